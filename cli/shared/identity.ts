import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AGENT_TAG, AgentIdentity, SESSION_TAG } from '../../core/agent-access';
import { clientConfig, ClientOptions, endpointFromEnvironment } from '../../core/aws-config';
import { ENVIRONMENT_REGIONS, EnvironmentName, environmentParameters } from '../../core/environments';
import { CliError, EXIT } from './cli-errors';
import { sessionName } from './agent-identity';

export { agentOf, explainDenied, identityFromArn, sessionName, validateAgentName } from './agent-identity';

/**
 * `--as AGENT [--session ID]` (issue 15 item 2): the CLIs assume the environment's agent role with
 * the session tags agent=AGENT and session=ID, and sign every request with that session, so the
 * role's tag-keyed policies decide what the command may touch. Sessions are cached on disk (0600,
 * keyed by endpoint, role, agent and session) until 5 minutes before they expire: a shell loop of
 * `blob --as alice …` makes one STS call per hour, not one per command.
 */

export interface AgentSession extends AgentIdentity {
  readonly env: EnvironmentName;
  readonly region: string;
  readonly roleArn: string;
  readonly credentials: Required<Pick<AwsCredentialIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>> & { readonly expiration: Date };
}

/** Reused until this close to expiry, so a command never starts with a session about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_DURATION_SECONDS = 3600;

export function cacheDirectory(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'agent-blob', 'sessions');
}

function cacheFile(endpoint: string, roleArn: string, who: AgentIdentity): string {
  const id = createHash('sha256').update(JSON.stringify([endpoint, roleArn, who.agent, who.session ?? ''])).digest('hex').slice(0, 32);
  return join(cacheDirectory(), `${id}.json`);
}

async function readCached(file: string): Promise<AgentSession | undefined> {
  try {
    const raw = JSON.parse(await readFile(file, 'utf8')) as AgentSession & { credentials: { expiration: string } };
    const expiration = new Date(raw.credentials.expiration);
    if (!(expiration.getTime() - Date.now() > REFRESH_MARGIN_MS)) return undefined;
    return { ...raw, credentials: { ...raw.credentials, expiration } };
  } catch {
    return undefined; // absent, unreadable or from another version: assume afresh
  }
}

/** Written to a private temporary file, then renamed: concurrent commands never read half a file. */
async function writeCached(file: string, s: AgentSession): Promise<void> {
  const dir = cacheDirectory();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(s), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

function regionOf(options: ClientOptions): string {
  return options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? ENVIRONMENT_REGIONS.primary;
}

/** The agent role's ARN, as the storage stack publishes it. Read with the caller's own credentials. */
export async function agentRoleArn(env: EnvironmentName, options: ClientOptions): Promise<string> {
  const { GetParameterCommand, SSMClient } = await import('./sdk/ssm');
  const name = environmentParameters(env).agentRoleArn;
  const ssm = new SSMClient(clientConfig({ ...options, region: regionOf(options) }, 'ssm'));
  try {
    const res = await ssm.send(new GetParameterCommand({ Name: name }));
    if (!res.Parameter?.Value) throw Object.assign(new Error(name), { name: 'ParameterNotFound' });
    return res.Parameter.Value;
  } catch (err) {
    if ((err as { name?: string }).name === 'ParameterNotFound') {
      throw new CliError(`environment "${env}" publishes no agent role (${name})`, EXIT.CONFIG, 'deploy the storage stack of this version, or start the local copy');
    }
    throw err;
  } finally {
    ssm.destroy();
  }
}

export interface AssumeOptions extends ClientOptions {
  /** Seconds; the role's MaxSessionDuration caps it. */
  readonly durationSeconds?: number;
  /** Skip the cache (blob credentials hands out a fresh session of the asked duration). */
  readonly fresh?: boolean;
}

/** Cache files this process took a session from: forgotten if the endpoint rejects the session. */
const usedFromCache = new Set<string>();

/**
 * The endpoint did not recognise a session this process read from the cache (the local copy was
 * restarted since, or the session was revoked): remove those files so the next command assumes
 * afresh. Returns whether there was anything to forget.
 */
export async function forgetCachedSessions(): Promise<boolean> {
  const files = [...usedFromCache];
  usedFromCache.clear();
  await Promise.all(files.map((f) => rm(f, { force: true })));
  return files.length > 0;
}

/** Assumes the environment's agent role as `who`, from the cache when a session is still fresh. */
export async function assumeAgent(env: EnvironmentName, who: AgentIdentity, options: AssumeOptions = {}): Promise<AgentSession> {
  const base: ClientOptions = { ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  const roleArn = await agentRoleArn(env, base);
  const file = cacheFile(options.endpoint ?? endpointFromEnvironment('sts') ?? 'aws', roleArn, who);
  if (!options.fresh) {
    const cached = await readCached(file);
    if (cached) {
      usedFromCache.add(file);
      return cached;
    }
  }
  const { AssumeRoleCommand, STSClient } = await import('./sdk/sts');
  const region = regionOf(options);
  const sts = new STSClient(clientConfig({ ...base, region }, 'sts'));
  try {
    const tags = [{ Key: AGENT_TAG, Value: who.agent }, ...(who.session ? [{ Key: SESSION_TAG, Value: who.session }] : [])];
    const res = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName(who), Tags: tags, DurationSeconds: options.durationSeconds ?? DEFAULT_DURATION_SECONDS }),
    );
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error(`sts:AssumeRole on ${roleArn} returned no credentials`);
    const session: AgentSession = {
      env,
      region,
      roleArn,
      ...who,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) },
    };
    await writeCached(file, session);
    return session;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const name = (err as { name?: string }).name ?? '';
    if (/AccessDenied/.test(name)) {
      throw new CliError(
        `may not act as agent "${who.agent}": sts:AssumeRole on ${roleArn} was refused (${(err as Error).message})`,
        EXIT.AUTH,
        'your own credentials must be allowed to assume the agent role (lib/config.ts agentAccess.assumers); agent sessions cannot assume it again',
      );
    }
    throw err;
  } finally {
    sts.destroy();
  }
}

/**
 * A credential provider for SDK clients: assumes on first use (once per process), refreshes from
 * the cache or STS when the session nears its end, as the SDK asks again for expiring credentials.
 */
export function agentCredentialProvider(env: EnvironmentName, who: AgentIdentity, options: ClientOptions): () => Promise<AwsCredentialIdentity> {
  let current: Promise<AgentSession> | undefined;
  return async () => {
    const s = current ? await current : undefined;
    if (!s || s.credentials.expiration.getTime() - Date.now() <= REFRESH_MARGIN_MS) {
      current = assumeAgent(env, who, options);
      current.catch(() => (current = undefined));
    }
    return (await current!).credentials;
  };
}

const providers = new Map<string, () => Promise<AwsCredentialIdentity>>();

/** One provider per agent, environment and endpoint in a process, so parallel clients share one STS call. */
export function sharedAgentProvider(env: EnvironmentName, who: AgentIdentity, options: ClientOptions): () => Promise<AwsCredentialIdentity> {
  const key = JSON.stringify([env, who.agent, who.session ?? '', options.region ?? '', options.endpoint ?? '']);
  let p = providers.get(key);
  if (!p) {
    p = agentCredentialProvider(env, who, options);
    providers.set(key, p);
  }
  return p;
}


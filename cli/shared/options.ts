import type { Command } from 'commander';
import type { S3Client } from '@aws-sdk/client-s3';
import { ClientOptions } from '../../core/aws-config';
import { CliError, EXIT } from './cli-errors';
import { assertEnvironmentName } from './env-resolve';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AgentIdentity } from '../../core/agent-access';
import type { EnvironmentName } from '../../core/environments';
import { validateAgentName } from './agent-identity';

/** Options every blob/kvstore command accepts (declared once on the program). */
export interface GlobalOptions {
  region?: string;
  endpoint?: string;
  env?: string;
  quiet?: boolean;
  /** --as / BLOB_AGENT, --session / BLOB_SESSION: act as this agent through the environment's agent role (cli/shared/identity.ts). */
  as?: string;
  session?: string;
  /** blob only (--literal-key): `?versionId=` in an operand is part of the key. */
  literalKey?: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--region <region>', 'AWS region (default: AWS_REGION, then the environment\'s primary region)')
    .option('--endpoint <url>', 'service endpoint, e.g. a local emulator (default: AWS_ENDPOINT_URL)')
    .option('--env <name>', 'environment whose bucket/table short keys resolve to (default: BLOB_ENV)')
    .option('-q, --quiet', 'no progress bars')
    .option('--as <agent>', 'act as this agent: assume the environment\'s agent role with the session tag agent=AGENT (default: BLOB_AGENT)')
    .option('--session <id>', 'with --as: also tag the session, which opens the session workspaces (default: BLOB_SESSION)');
}

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<GlobalOptions>();
  const env = o.env ?? (process.env.BLOB_ENV || undefined);
  if (o.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(o.endpoint)) {
    throw new CliError(`invalid --endpoint "${o.endpoint}"`, EXIT.USAGE, 'give a URL such as http://127.0.0.1:5000');
  }
  const as = o.as ?? (process.env.BLOB_AGENT || undefined);
  const session = o.session ?? (process.env.BLOB_SESSION || undefined);
  if (session !== undefined && as === undefined) throw new CliError('--session needs --as', EXIT.USAGE, 'pass --as AGENT (or set BLOB_AGENT) with --session');
  if (as !== undefined) {
    validateAgentName(as, '--as');
    if (session !== undefined) validateAgentName(session, '--session');
    if (!env) throw new CliError(`--as ${as} needs an environment`, EXIT.USAGE, 'the agent role belongs to one environment: pass --env <dev|staging|prod> or set BLOB_ENV');
  }
  return { ...o, env, ...(as ? { as } : {}), ...(session ? { session } : {}) };
}

const SILENT_LOGGER = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function clientOptions(g: GlobalOptions, extra: Partial<ClientOptions> = {}): ClientOptions {
  // Every CLI client (S3, DynamoDB, SSM, STS) is silent: without a logger the SDK falls back to
  // console.warn ("An error was encountered in a non-retryable streaming request.") before our line.
  const base = { ...(g.region ? { region: g.region } : {}), ...(g.endpoint ? { endpoint: g.endpoint } : {}), logger: SILENT_LOGGER };
  // Every client of an --as command signs as the agent session; the role lookup and STS use `base`.
  const credentials = g.as && g.env ? lazyAgentProvider(assertEnvironmentName(g.env), { agent: g.as, ...(g.session ? { session: g.session } : {}) }, base) : undefined;
  return { ...base, ...(credentials ? { credentials } : {}), ...extra };
}

/** The agent session machinery (STS, SSM, the cache) loads on the first signed request, not at start-up. */
function lazyAgentProvider(env: EnvironmentName, who: AgentIdentity, base: ClientOptions): () => Promise<AwsCredentialIdentity> {
  return async () => (await import('./identity')).sharedAgentProvider(env, who, base)();
}

/** Collects a repeatable option into an array (commander's documented pattern). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function s3Client(g: GlobalOptions, maxSockets = 64): Promise<S3Client> {
  const [{ S3Client: Client }, { clientConfig }] = await Promise.all([import('./sdk/s3'), import('../../core/aws-config')]);
  return new Client({
    ...clientConfig(clientOptions(g, { maxSockets }), 's3'),
    // Checksums only where S3 requires them: streamed bodies then keep a plain Content-Length, which
    // every S3-compatible endpoint (and the emulator) accepts; integrity is checked by ETag/MD5.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}


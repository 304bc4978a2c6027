import { CliError, EXIT } from '../../shared/cli-errors';
import { parseDuration } from '../../shared/duration';
import { assertEnvironmentName } from '../../shared/env-resolve';
import { AgentSession, assumeAgent } from '../../shared/identity';
import { printJson, writeOut } from '../../shared/output';
import type { BlobContext } from '../context';

/**
 * `blob credentials --as AGENT [--session ID] [--duration 1h]`: a fresh agent session printed for a
 * platform to hand to an agent's sandbox: `export` lines for a shell (eval "$(blob credentials …)"),
 * or the credential_process JSON an AWS profile can run. The sandbox then needs no right to assume
 * anything; what it may touch is what the session tags open.
 */
const MIN_SECONDS = 900; // STS's minimum
const MAX_SECONDS = 12 * 3600; // STS's maximum; the role's MaxSessionDuration may be lower

export async function credentials(ctx: BlobContext, flags: { duration?: string; format?: string }): Promise<void> {
  const g = ctx.options;
  if (!g.as) throw new CliError('blob credentials needs --as AGENT', EXIT.USAGE, 'e.g. blob credentials --as alice --session 42 --env dev');
  const seconds = parseDuration(flags.duration ?? '1h', '--duration');
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new CliError(`--duration ${flags.duration} is outside 15m..12h`, EXIT.USAGE, 'STS issues sessions of 15 minutes to 12 hours (at most the role\'s maximum session duration)');
  }
  const env = assertEnvironmentName(g.env as string);
  // No environment lookup first: it would already sign as the agent (an extra STS call). The role
  // ARN is read in --region, else AWS_REGION, else the environment's primary region.
  const s = await assumeAgent(env, { agent: g.as, ...(g.session ? { session: g.session } : {}) }, {
    ...(g.region ? { region: g.region } : {}),
    ...(g.endpoint ? { endpoint: g.endpoint } : {}),
    durationSeconds: seconds,
    fresh: true,
  });
  if (flags.format === 'json') {
    await printJson({ Version: 1, AccessKeyId: s.credentials.accessKeyId, SecretAccessKey: s.credentials.secretAccessKey, SessionToken: s.credentials.sessionToken, Expiration: s.credentials.expiration.toISOString() });
    return;
  }
  await writeOut(exportLines(s, g.endpoint));
}

/** Single-quoted for any POSIX shell: session tokens contain '/', '+' and '='. */
function q(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function exportLines(s: AgentSession, endpoint?: string): string {
  const vars: Array<[string, string]> = [
    ['AWS_ACCESS_KEY_ID', s.credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', s.credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', s.credentials.sessionToken],
    ['AWS_REGION', s.region],
    ['BLOB_ENV', s.env],
    ...(endpoint ? ([['AWS_ENDPOINT_URL', endpoint]] as Array<[string, string]>) : []),
  ];
  return [
    `# agent ${s.agent}${s.session ? `, session ${s.session}` : ''} (${s.roleArn}), expires ${s.credentials.expiration.toISOString()}`,
    // The sandbox already IS the agent: a leftover BLOB_AGENT would make blob try to assume again.
    'unset AWS_PROFILE BLOB_AGENT BLOB_SESSION',
    ...vars.map(([k, v]) => `export ${k}=${q(v)}`),
    '',
  ].join('\n');
}

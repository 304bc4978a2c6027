import type { Command } from 'commander';
import { AGENT_NAME, AgentIdentity } from '../../core/agent-access';
import { CliError, EXIT } from './cli-errors';

/**
 * The cheap half of `--as` (cli/shared/identity.ts has the sessions): names, validation and the
 * wording of denials. Every command's option parsing and error path uses these, so they load
 * nothing of the SDK — `blob --help` and usage errors stay at commander's cost (bench cli-package).
 */

export function validateAgentName(value: string, flag: string): string {
  if (!AGENT_NAME.test(value)) {
    throw new CliError(`invalid ${flag} "${value}"`, EXIT.USAGE, 'use 1-31 letters, digits, ".", "_" or "-", starting with a letter or digit (no "/")');
  }
  return value;
}

/** The RoleSessionName: what CloudTrail and every denial message show. '@' cannot occur in a name. */
export function sessionName(who: AgentIdentity): string {
  return who.session ? `${who.agent}@${who.session}` : who.agent;
}

/** The identity an agent-role session ARN carries (…:assumed-role/blob-dev-agent/alice@s1), if it is one. */
export function identityFromArn(arn: string): AgentIdentity | undefined {
  const m = /:assumed-role\/blob-[a-z]+-agent\/([^@/]+)(?:@([^/]+))?$/.exec(arn);
  return m ? { agent: m[1] as string, ...(m[2] ? { session: m[2] } : {}) } : undefined;
}

/** Access denied while acting as an agent: say which agent, where, and how to see what it may touch. */
export function explainDenied(err: CliError, who: AgentIdentity | undefined, where?: string): CliError {
  if (!who || err.exitCode !== EXIT.AUTH || err.message.includes(`agent "${who.agent}"`)) return err;
  const as = `agent "${who.agent}"${who.session ? `, session "${who.session}"` : ''}`;
  const at = where && !err.message.includes(where) ? ` (${where})` : '';
  const whoami = `blob whoami --as ${who.agent}${who.session ? ` --session ${who.session}` : ''}`;
  return new CliError(`${err.message}${at} [as ${as}]`, EXIT.AUTH, `an agent may touch only its own workspaces and the shared prefixes and namespaces: see ${whoami}`);
}

/** The agent a command acts as, read without validation (for error messages only). */
export function agentOf(cmd: Pick<Command, 'optsWithGlobals'>): AgentIdentity | undefined {
  const o = cmd.optsWithGlobals<{ as?: string; session?: string }>();
  const agent = o.as ?? (process.env.BLOB_AGENT || undefined);
  const session = o.session ?? (process.env.BLOB_SESSION || undefined);
  return agent ? { agent, ...(session ? { session } : {}) } : undefined;
}

/** How each service says it does not know the credentials (an unknown or revoked session). */
const REJECTED_CREDENTIALS = new Set(['InvalidClientTokenId', 'InvalidAccessKeyId', 'InvalidToken', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException']);

/**
 * An agent command whose cached session the endpoint rejected: the cache is cleared (so the next
 * command assumes the role afresh) and the one error line says so. Anything else: undefined.
 */
export async function rejectedSession(err: unknown, who: AgentIdentity | undefined): Promise<CliError | undefined> {
  const name = (err as { name?: string; Code?: string } | undefined)?.name ?? '';
  if (!who || !REJECTED_CREDENTIALS.has(name)) return undefined;
  const forgot = await (await import('./identity')).forgetCachedSessions();
  if (!forgot) return undefined;
  const as = `agent "${who.agent}"${who.session ? `, session "${who.session}"` : ''}`;
  return new CliError(`the cached session of ${as} was rejected (${name}): the endpoint no longer knows it (restarted, or the session was revoked)`, EXIT.AUTH, 'the cache entry is removed: run the command again to assume the role afresh');
}

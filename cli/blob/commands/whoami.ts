import { AgentIdentity, ResolvedWorkspace, parseAgentLayout, resolveWorkspace } from '../../../core/agent-access';
import { clientConfig } from '../../../core/aws-config';
import { environmentParameters } from '../../../core/environments';
import { assertEnvironmentName } from '../../shared/env-resolve';
import { identityFromArn } from '../../shared/identity';
import { printJson } from '../../shared/output';
import { clientOptions } from '../../shared/options';
import type { BlobContext } from '../context';

/**
 * `blob whoami`: the caller as STS sees it and, for an agent session (--as, or a sandbox holding the
 * keys `blob credentials` printed), the workspaces it may touch, resolved from the layout the stack
 * publishes. GetCallerIdentity needs no permission, so this works under any credentials.
 */
export interface WhoAmI {
  readonly account?: string;
  readonly arn?: string;
  readonly userId?: string;
  readonly env?: string;
  readonly agent: string | null;
  readonly session?: string;
  readonly expires?: string;
  /** What the session may touch; absent for credentials that are not an agent session. */
  readonly may?: {
    readonly readWriteDelete: string[];
    readonly readWrite: string[];
    readonly readOnly: string[];
    readonly kvstoreNamespaces: string[];
  };
}

export async function whoami(ctx: BlobContext): Promise<void> {
  await printJson(await whoAmI(ctx));
}

export async function whoAmI(ctx: BlobContext): Promise<WhoAmI> {
  const g = ctx.options;
  const options = clientOptions(g);
  const region = g.region ?? (g.env ? (await ctx.env()).region : undefined);
  const { GetCallerIdentityCommand, STSClient } = await import('../../shared/sdk/sts');
  const sts = new STSClient(clientConfig({ ...options, ...(region ? { region } : {}) }, 'sts'));
  let caller;
  try {
    caller = await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
  const who: AgentIdentity | undefined = g.as ? { agent: g.as, ...(g.session ? { session: g.session } : {}) } : identityFromArn(caller.Arn ?? '');
  const expiration = g.as && options.credentials ? (await options.credentials()).expiration : undefined;
  const base = { account: caller.Account, arn: caller.Arn, userId: caller.UserId, ...(g.env ? { env: g.env } : {}) };
  if (!who) return { ...base, agent: null };
  const may = g.env ? await workspaceOf(ctx, who, region) : undefined;
  return {
    ...base,
    agent: who.agent,
    ...(who.session ? { session: who.session } : {}),
    ...(expiration ? { expires: expiration.toISOString() } : {}),
    ...(may
      ? { may: { readWriteDelete: may.readWritePrefixes, readWrite: may.sharedWritePrefixes, readOnly: may.readOnlyPrefixes, kvstoreNamespaces: may.namespaces } }
      : {}),
  };
}

/** The published layout with this agent's names filled in (read under the session, which may read it). */
async function workspaceOf(ctx: BlobContext, who: AgentIdentity, region: string | undefined): Promise<ResolvedWorkspace> {
  const env = assertEnvironmentName(ctx.options.env as string);
  const { GetParameterCommand, SSMClient } = await import('../../shared/sdk/ssm');
  const ssm = new SSMClient(clientConfig({ ...clientOptions(ctx.options), ...(region ? { region } : {}) }, 'ssm'));
  try {
    const res = await ssm.send(new GetParameterCommand({ Name: environmentParameters(env).agentLayout }));
    return resolveWorkspace(parseAgentLayout(res.Parameter?.Value ?? '{}'), who);
  } finally {
    ssm.destroy();
  }
}

/**
 * The agent-workspace layout (issue 15), CDK-free: the stack turns it into the agent role's
 * policies and publishes it as an SSM parameter, and the CLIs read it back to tell an agent what it
 * may touch (`blob whoami`). `{agent}` and `{session}` stand for the session tags the role is
 * assumed with; in policies they become ${aws:PrincipalTag/agent} and ${aws:PrincipalTag/session}.
 */
export interface AgentLayout {
  /** Prefixes every agent may read and list. */
  readonly sharedRead: readonly string[];
  /** Prefixes every agent may read, list and write (never delete). */
  readonly sharedWrite: readonly string[];
  /** kvstore namespaces every agent may read and write. */
  readonly sharedNamespaces: readonly string[];
  /** Prefixes one agent owns, e.g. agents/{agent}/ */
  readonly agentPrefixes: readonly string[];
  /** Prefixes one session owns, shared by the agents of that session, e.g. codegen/session-{session}/ */
  readonly sessionPrefixes: readonly string[];
  readonly agentNamespace: string;
  readonly sessionNamespace?: string;
}

/** Session tag keys: the trust policy accepts these and no other. */
export const AGENT_TAG = 'agent';
export const SESSION_TAG = 'session';

/**
 * Names an agent or session may have. Narrower than what STS accepts on purpose: no '/' (a tag
 * `bob/x` would land inside bob's workspace `agents/bob/`), no wildcard characters, and short
 * enough that `<agent>@<session>` fits a RoleSessionName (64).
 */
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/;

export interface AgentIdentity {
  readonly agent: string;
  readonly session?: string;
}

/** What one agent (and session) may touch, with the placeholders filled in. */
export interface ResolvedWorkspace {
  readonly readWritePrefixes: string[];
  readonly sharedWritePrefixes: string[];
  readonly readOnlyPrefixes: string[];
  readonly namespaces: string[];
}

function fill(template: string, who: AgentIdentity): string | undefined {
  if (template.includes('{session}') && !who.session) return undefined;
  return template.replaceAll('{agent}', who.agent).replaceAll('{session}', who.session ?? '');
}

export function resolveWorkspace(layout: AgentLayout, who: AgentIdentity): ResolvedWorkspace {
  const own = [...layout.agentPrefixes, ...layout.sessionPrefixes].map((t) => fill(t, who)).filter((p): p is string => !!p);
  const namespaces = [layout.agentNamespace, layout.sessionNamespace]
    .filter((t): t is string => !!t)
    .map((t) => fill(t, who))
    .filter((n): n is string => !!n);
  return {
    readWritePrefixes: own,
    sharedWritePrefixes: [...layout.sharedWrite],
    readOnlyPrefixes: [...layout.sharedRead],
    namespaces: [...namespaces, ...layout.sharedNamespaces],
  };
}

/** `{agent}` → `${aws:PrincipalTag/agent}`: the IAM policy variable of the session tag. */
export function policyVariables(template: string): string {
  return template.replaceAll('{agent}', `\${aws:PrincipalTag/${AGENT_TAG}}`).replaceAll('{session}', `\${aws:PrincipalTag/${SESSION_TAG}}`);
}

/** Reads the published layout back; anything malformed is refused rather than guessed. */
export function parseAgentLayout(text: string): AgentLayout {
  const v = JSON.parse(text) as Partial<Record<keyof AgentLayout, unknown>>;
  const list = (x: unknown, name: string): string[] => {
    if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) throw new Error(`agent layout: ${name} must be a list of strings`);
    return x as string[];
  };
  if (typeof v.agentNamespace !== 'string') throw new Error('agent layout: agentNamespace must be a string');
  return {
    sharedRead: list(v.sharedRead, 'sharedRead'),
    sharedWrite: list(v.sharedWrite, 'sharedWrite'),
    sharedNamespaces: list(v.sharedNamespaces, 'sharedNamespaces'),
    agentPrefixes: list(v.agentPrefixes, 'agentPrefixes'),
    sessionPrefixes: list(v.sessionPrefixes, 'sessionPrefixes'),
    agentNamespace: v.agentNamespace,
    ...(typeof v.sessionNamespace === 'string' ? { sessionNamespace: v.sessionNamespace } : {}),
  };
}

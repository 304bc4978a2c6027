/**
 * Issue 15 acceptance 1: ONE table of what agent alice (in session s1) may and may not do, under
 * the dev layout (lib/config.ts agentAccess). test/iam/agent-access.test.ts decides every row on
 * the synthesized template with the local copy's evaluator; test/cli/agent-access.test.ts runs the
 * same rows through the real CLIs against the local copy with enforcement on. Both must agree with
 * `allowed`, so the template and the running copy cannot drift apart.
 */
export type AgentOp = 'get' | 'put' | 'delete' | 'list' | 'kv-get' | 'kv-set';

export interface AgentCase {
  readonly label: string;
  readonly op: AgentOp;
  /** An object key, a list prefix, or a kvstore key. */
  readonly target: string;
  readonly allowed: boolean;
}

export const ALICE = { agent: 'alice', session: 's1' } as const;

/** Objects the e2e suite seeds (as the administrator) before alice runs, so reads can succeed. No two rows touch one key, so the rows may run in any order. */
export const SEEDED_KEYS = ['agents/alice/notes.txt', 'agents/alice/old.txt', 'agents/bob/notes.txt', 'datasets/v1/train.csv', 'shared/board.txt', 'codegen/session-s1/api.py', 'codegen/session-s2/api.py', 'logs/2026-01-01-00/agent-1.log'];

export const AGENT_CASES: readonly AgentCase[] = [
  // her own workspace: everything
  { label: 'reads her workspace', op: 'get', target: 'agents/alice/notes.txt', allowed: true },
  { label: 'writes her workspace', op: 'put', target: 'agents/alice/out/result.json', allowed: true },
  { label: 'deletes in her workspace', op: 'delete', target: 'agents/alice/old.txt', allowed: true },
  { label: 'lists her workspace', op: 'list', target: 'agents/alice/', allowed: true },
  // her session's workspace, shared with the other agents of session s1
  { label: 'reads her session workspace', op: 'get', target: 'codegen/session-s1/api.py', allowed: true },
  { label: 'writes her session workspace', op: 'put', target: 'codegen/session-s1/models.py', allowed: true },
  { label: 'writes the archived sessions/ workspace of her session', op: 'put', target: 'sessions/s1/transcript.jsonl', allowed: true },
  // shared prefixes
  { label: 'reads shared read-only datasets', op: 'get', target: 'datasets/v1/train.csv', allowed: true },
  { label: 'lists shared read-only datasets', op: 'list', target: 'datasets/', allowed: true },
  { label: 'writes the shared board', op: 'put', target: 'shared/alice-was-here.txt', allowed: true },
  { label: 'reads the shared board', op: 'get', target: 'shared/board.txt', allowed: true },
  { label: 'may not write read-only datasets', op: 'put', target: 'datasets/v1/train.csv', allowed: false },
  { label: 'may not delete read-only datasets', op: 'delete', target: 'datasets/v1/train.csv', allowed: false },
  { label: 'may not delete from the shared board', op: 'delete', target: 'shared/board.txt', allowed: false },
  // bob's workspace and another session's
  { label: "may not read bob's workspace", op: 'get', target: 'agents/bob/notes.txt', allowed: false },
  { label: "may not write bob's workspace", op: 'put', target: 'agents/bob/evil.txt', allowed: false },
  { label: "may not delete in bob's workspace", op: 'delete', target: 'agents/bob/notes.txt', allowed: false },
  { label: "may not list bob's workspace", op: 'list', target: 'agents/bob/', allowed: false },
  { label: 'may not list every agent', op: 'list', target: 'agents/', allowed: false },
  { label: "may not read another session's workspace", op: 'get', target: 'codegen/session-s2/api.py', allowed: false },
  { label: "may not write another session's workspace", op: 'put', target: 'codegen/session-s2/api.py', allowed: false },
  // prefixes outside the agent layout
  { label: 'may not read pipeline logs', op: 'get', target: 'logs/2026-01-01-00/agent-1.log', allowed: false },
  { label: 'may not write outside any workspace', op: 'put', target: 'critical/config.json', allowed: false },
  { label: 'may not list the whole bucket', op: 'list', target: '', allowed: false },
  // kvstore namespaces
  { label: 'sets a key in her namespace', op: 'kv-set', target: 'agent-alice/status', allowed: true },
  { label: 'reads a key in her namespace', op: 'kv-get', target: 'agent-alice/status', allowed: true },
  { label: 'sets a key in her session namespace', op: 'kv-set', target: 'session-s1/plan', allowed: true },
  { label: 'sets a key in the shared coordination namespace', op: 'kv-set', target: 'coordination/task-1', allowed: true },
  { label: "may not read bob's namespace", op: 'kv-get', target: 'agent-bob/status', allowed: false },
  { label: "may not write bob's namespace", op: 'kv-set', target: 'agent-bob/status', allowed: false },
  { label: 'may not write the deployment namespace', op: 'kv-set', target: 'deployment/latest-version', allowed: false },
  { label: "may not write another session's namespace", op: 'kv-set', target: 'session-s2/plan', allowed: false },
];

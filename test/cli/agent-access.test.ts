import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import { resourceNames } from '../../lib/config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import { AuthzRequest, PolicyEvaluator, Principal } from '../../local/iam/evaluate';
import { AGENT_CASES, ALICE, AgentCase, SEEDED_KEYS } from '../support/agent-cases';
import { useLocalStack } from '../support/local-stack';
import { blob, ensureBlobBuilt, RunResult } from './blob-harness';
import { buildKvstoreBundle, kvstore } from './kvstore-cli';

/**
 * Issue 15 acceptance 1: on the local copy with policy enforcement on, `blob --as alice --session s1`
 * and `kvstore --as alice --session s1` may do exactly what the case table (test/support/agent-cases.ts)
 * allows; every refusal is exit 4 with a message naming the agent and the location. The same rows are
 * then decided by the evaluator on the policies the copy provisioned from the dev storage template,
 * and both must agree row by row.
 */
const stack = useLocalStack({ fixture: true });
const cache = mkdtempSync(join(tmpdir(), 'agent-cache-'));
const names = resourceNames('dev');

beforeAll(async () => {
  ensureBlobBuilt();
  buildKvstoreBundle();
  const s = stack();
  const s3 = new S3Client({ ...clientConfig({ endpoint: s.endpoint, region: s.region }), credentials: LOCAL_CREDENTIALS });
  for (const key of SEEDED_KEYS) await s3.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: key, Body: `seeded ${key}\n` }));
  s3.destroy();
}, 240_000);
afterAll(() => rmSync(cache, { recursive: true, force: true }));

function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const e: Record<string, string | undefined> = { ...stack().awsEnv, BLOB_ENV: 'dev', BLOB_BUCKET: undefined, BLOB_AGENT: undefined, BLOB_SESSION: undefined, XDG_CACHE_HOME: cache, ...extra };
  return Object.fromEntries(Object.entries(e).filter((x): x is [string, string] => x[1] !== undefined));
}

const AS = ['--as', ALICE.agent, '--session', ALICE.session];

/** One row of the table through the real CLIs, as alice. */
function runCase(c: AgentCase): Promise<RunResult> {
  switch (c.op) {
    case 'get':
      return blob([...AS, 'get', c.target, '-'], { env: env() });
    case 'put':
      return blob([...AS, 'put', '-', c.target], { env: env(), input: `written by alice: ${c.label}\n` });
    case 'delete':
      return blob([...AS, 'delete', c.target], { env: env() });
    case 'list':
      // '' is the whole bucket, which a bare key cannot say
      return blob([...AS, 'list', c.target || `s3://${stack().outputs.bucket}/`, '--no-metadata'], { env: env() });
    case 'kv-get':
      return kvstore([...AS, 'get', c.target], env());
    case 'kv-set':
      return kvstore([...AS, 'set', c.target, '"alice"'], env());
  }
}

describe('agent alice on the local copy with enforcement on (issue 15 acceptance 1)', () => {
  const outcomes = new Map<string, boolean>();
  const results = new Map<string, RunResult>();

  // The rows are independent (no two touch one key), so they run 6 processes at a time.
  beforeAll(async () => {
    await runCase({ label: 'warm-up: assume and cache the session once', op: 'list', target: 'agents/alice/', allowed: true });
    const queue = [...AGENT_CASES];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) results.set(c.label, await runCase(c));
    };
    await Promise.all(Array.from({ length: 6 }, worker));
  }, 240_000);

  test.each(AGENT_CASES.map((c) => [c.label, c] as const))('alice %s', (_label, c) => {
    const r = results.get(c.label) as RunResult;
    // kvstore get of a key never set is exit 5 (not found): allowed, it only does not exist yet.
    const ok = r.code === 0 || (c.op === 'kv-get' && r.code === 5);
    outcomes.set(c.label, ok);
    if (c.allowed) {
      expect([c.target, r.code, r.stderr]).toEqual([c.target, c.op === 'kv-get' && r.code === 5 ? 5 : 0, r.code === 0 ? '' : r.stderr]);
    } else {
      expect([c.target, r.code]).toEqual([c.target, 4]);
      expect(r.stderr).toContain('agent "alice"');
      expect(r.stderr).toContain(c.op.startsWith('kv-') ? c.target : c.target || 'list');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('the same rows simulated on the provisioned dev storage template agree with the CLI', async () => {
    const s = stack();
    const store = s.policies();
    const roleArn = [...store.roles.keys()].find((a) => a.endsWith(`:role/${names.prefix}-agent`)) as string;
    const principal: Principal = { arn: `arn:aws:sts::${store.accountId}:assumed-role/${names.prefix}-agent/alice@s1`, kind: 'assumed-role', roleArn, identityPolicies: store.roles.get(roleArn)?.policies ?? [], tags: { ...ALICE } };
    const evaluator = new PolicyEvaluator(store);
    const tableArn = `arn:aws:dynamodb:${s.region}:${store.accountId}:table/${names.kvstoreTable}`;
    const request = (c: AgentCase): AuthzRequest => {
      const object = (action: string): AuthzRequest => ({ action, resource: `arn:aws:s3:::${s.outputs.bucket}/${c.target}`, context: {} });
      if (c.op === 'list') return { action: 's3:ListBucket', resource: `arn:aws:s3:::${s.outputs.bucket}`, context: { 's3:prefix': c.target } };
      if (c.op.startsWith('kv-')) return { action: c.op === 'kv-get' ? 'dynamodb:GetItem' : 'dynamodb:UpdateItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': [c.target.split('/')[0] as string] } };
      return object({ get: 's3:GetObject', put: 's3:PutObject', delete: 's3:DeleteObject' }[c.op as 'get' | 'put' | 'delete']);
    };
    const rows = [];
    for (const c of AGENT_CASES) rows.push([c.label, (await evaluator.evaluate(principal, request(c))).allowed, outcomes.get(c.label)]);
    expect(rows).toEqual(AGENT_CASES.map((c) => [c.label, c.allowed, c.allowed]));
  });

  test('blob whoami --as alice: her session ARN and the workspaces resolved for her', async () => {
    const r = await blob([...AS, 'whoami'], { env: env() });
    expect(r.stderr).toBe('');
    const me = JSON.parse(r.stdout) as { arn: string; agent: string; session: string; expires: string; may: Record<string, string[]> };
    expect(me.arn).toMatch(new RegExp(`:assumed-role/${names.prefix}-agent/alice@s1$`));
    expect([me.agent, me.session]).toEqual(['alice', 's1']);
    expect(Date.parse(me.expires)).toBeGreaterThan(Date.now());
    expect(me.may).toEqual({
      readWriteDelete: ['agents/alice/', 'codegen/session-s1/', 'sessions/s1/'],
      readWrite: ['shared/'],
      readOnly: ['datasets/', 'artifacts/', 'models/'],
      kvstoreNamespaces: ['agent-alice', 'session-s1', 'coordination'],
    });
  });

  test('blob whoami under your own credentials: no agent, no workspaces', async () => {
    const r = await blob(['whoami'], { env: env() });
    expect(r.code).toBe(0);
    const me = JSON.parse(r.stdout) as { arn: string; agent: unknown; may?: unknown };
    expect([me.arn, me.agent, me.may]).toEqual([expect.stringMatching(/:user\//), null, undefined]);
  });

  test('blob credentials prints a session a sandbox uses with no right to assume anything', async () => {
    const r = await blob(['credentials', ...AS, '--duration', '30m'], { env: env() });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const vars = Object.fromEntries([...r.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(vars).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'BLOB_ENV']);
    expect(vars.BLOB_ENV).toBe('dev');
    const sandbox = env({ ...vars, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'sandbox-cache-')) });
    const me = await blob(['whoami'], { env: sandbox });
    expect((JSON.parse(me.stdout) as { agent: string; session: string }).agent).toBe('alice');
    expect((await blob(['get', 'agents/alice/out/result.json', '-'], { env: sandbox })).code).toBe(0);
    const bobs = await blob(['get', 'agents/bob/notes.txt', '-'], { env: sandbox });
    expect(bobs.code).toBe(4);
    expect(bobs.stderr).toContain('assumed-role/blob-dev-agent/alice@s1');
    // The session cannot become bob: the role grants no sts:AssumeRole, so a leaked key stays alice's.
    const become = await blob(['--as', 'bob', 'get', 'agents/bob/notes.txt', '-'], { env: sandbox });
    expect(become.code).toBe(4);
    expect(become.stderr).toContain('may not act as agent "bob"');
  });

  test.each([
    ['an agent name with a slash', ['--as', 'bob/x', 'whoami'], {}, '--as'],
    ['--session without --as', ['--session', 's1', 'whoami'], {}, '--session needs --as'],
    ['--as without an environment', ['--as', 'alice', 'whoami'], { BLOB_ENV: undefined }, 'needs an environment'],
    ['a duration STS does not issue', ['credentials', '--as', 'alice', '--duration', '5m'], {}, '15m..12h'],
  ] as const)('usage: %s is exit 2 with one line', async (_l, args, extra, text) => {
    const r = await blob([...args], { env: env(extra) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('BLOB_AGENT and BLOB_SESSION act as --as and --session', async () => {
    const r = await kvstore(['get', 'agent-bob/status'], env({ BLOB_AGENT: 'alice', BLOB_SESSION: 's1' }));
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('agent "alice", session "s1"');
  });

  test('the session is cached privately (0600), one file per role, agent and session, and reused by the next command', async () => {
    const dir = join(cache, 'agent-blob', 'sessions');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const file = join(dir, files[0] as string);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keyId = () => (JSON.parse(readFileSync(file, 'utf8')) as { credentials: { accessKeyId: string } }).credentials.accessKeyId;
    const before = keyId();
    const r = await blob([...AS, 'whoami'], { env: env() });
    expect(r.code).toBe(0);
    expect(keyId()).toBe(before);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  test('a cached session the endpoint no longer knows (the local copy restarted) is dropped with one clear line; the next command assumes afresh', async () => {
    const dir = join(cache, 'agent-blob', 'sessions');
    const file = join(dir, readdirSync(dir)[0] as string);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { credentials: Record<string, string> };
    // What a restarted gateway sees: a well-formed session it never issued, not yet expired.
    cached.credentials = { ...cached.credentials, accessKeyId: 'ASIAFORGOTTENSESSION', secretAccessKey: 'forgotten', sessionToken: 'forgotten' };
    writeFileSync(file, JSON.stringify(cached), { mode: 0o600 });
    const runs = [() => blob([...AS, 'list', 'agents/alice/'], { env: env() }), () => kvstore([...AS, 'get', 'agent-alice/status'], env())];
    for (const run of runs) {
      if (!existsSync(file)) writeFileSync(file, JSON.stringify(cached), { mode: 0o600 });
      const r = await run();
      expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({
        code: 4,
        stderr: expect.stringMatching(/^(blob|kvstore): error: the cached session of agent "alice", session "[^"]+" was rejected \(\w+\): .*run the command again/),
      });
      expect(existsSync(file)).toBe(false);
    }
    const again = await blob([...AS, 'list', 'agents/alice/'], { env: env() });
    expect(again.code).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});

describe('alice uses the workspace features as herself, policies enforced (issue 15 items 3 and 4 under the agent role)', () => {
  test('create-only put, compare-and-swap, snapshot, restore --snapshot and fork inside her workspace; a fork into bob\'s is refused', async () => {
    const e = { env: env() };
    const ok = (r: RunResult): RunResult => {
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      return r;
    };
    const key = 'agents/alice/ws/counter.json';
    ok(await blob([...AS, '--quiet', 'put', '-', key, '--if-none-match', '*'], { ...e, input: '{"n":0}' }));
    expect((await blob([...AS, '--quiet', 'put', '-', key, '--if-none-match', '*'], { ...e, input: '{"n":9}' })).code).toBe(6);
    const { etag } = JSON.parse(ok(await blob([...AS, 'head', key], e)).stdout) as { etag: string };
    ok(await blob([...AS, '--quiet', 'put', '-', key, '--if-match', etag], { ...e, input: '{"n":1}' }));
    ok(await blob([...AS, '--quiet', 'snapshot', 'create', 'agents/alice/ws/', '--name', 'before'], e));
    ok(await blob([...AS, '--quiet', 'put', '-', key], { ...e, input: '{"n":2}' }));
    ok(await blob([...AS, '--quiet', 'restore', 'agents/alice/ws/', '--snapshot', 'before', '--delete'], e));
    expect(ok(await blob([...AS, 'get', key, '-'], e)).stdout).toBe('{"n":1}');
    ok(await blob([...AS, '--quiet', 'fork', 'agents/alice/ws/', 'agents/alice/ws-fork/', '--snapshot', 'before'], e));
    expect(ok(await blob([...AS, 'get', 'agents/alice/ws-fork/counter.json', '-'], e)).stdout).toBe('{"n":1}');
    const theft = await blob([...AS, 'fork', 'agents/alice/ws/', 'agents/bob/stolen/', '--snapshot', 'before'], e);
    expect(theft.code).toBe(4);
    expect(theft.stderr).toContain('[as agent "alice", session "s1"]');
  });
});

import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../core/aws-config';
import { EXIT } from '../../cli/shared/cli-errors';
import { KvStore } from '../../core/kvstore';
import { KvQueue } from '../../cli/kvstore/kvstore-queue';
import { resourceNames } from '../../lib/config';
import { createKvTable } from '../core/kvstore-fixture';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';
import { buildKvstoreBundle, cliEnv, kvstore, kvstorePathDir, run, RunResult } from './kvstore-cli';

/**
 * The kvstore CLI as scripts use it: real subprocesses against moto, the table found through the
 * dev environment's published SSM parameters (as `--env dev` / BLOB_ENV=dev does against AWS).
 */
let moto: MotoServer;
let kv: KvStore;
let env: Record<string, string>;
const TABLE = 'blob-dev-kvstore-test';
const BUCKET = 'blob-dev-bucket-test';

beforeAll(async () => {
  buildKvstoreBundle();
  moto = await startMoto();
  Object.assign(process.env, awsEnvFor(moto.endpoint));
  kv = await createKvTable(moto.endpoint, TABLE);
  const ssm = new SSMClient(clientConfig({ endpoint: moto.endpoint, region: 'eu-central-1' }));
  const p = resourceNames('dev').parameters;
  await ssm.send(new PutParameterCommand({ Name: p.tableName, Value: TABLE, Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: p.bucketName, Value: BUCKET, Type: 'String' }));
  ssm.destroy();
  env = cliEnv({ ...awsEnvFor(moto.endpoint), BLOB_ENV: 'dev' });
});
afterAll(() => moto.stop());

const value = async (key: string) => (await kv.get(key))?.value;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectOneLineError(r: RunResult, code: number, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: '' });
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^kvstore: error: /);
  expect(lines[0]).toMatch(pattern);
}

test('every kvstore invocation of the seed runs as written', async () => {
  // The seed's shell lines verbatim; only `blob presign` is replaced by a fixed URL (blob is tested elsewhere).
  const script = `
set -euo pipefail
VERSION="v1.0.0"
COMMIT="0123abc"
kvstore set deployment/latest-version "$VERSION"
kvstore set deployment/latest-commit "$COMMIT"
kvstore inc deployment/total-deploys
rollback_url="https://bucket.s3.eu-central-1.amazonaws.com/v1.0.0/app.zip?X-Amz-Expires=3600&X-Amz-Signature=ab%2Fcd"
kvstore set deployment/rollback-url-$VERSION "$rollback_url"

PREV_VERSION="v1.0.0"
rollback_url=$(kvstore get deployment/rollback-url-$PREV_VERSION --format value)
echo "ROLLBACK=$rollback_url"
kvstore set deployment/latest-version "$PREV_VERSION"
kvstore inc deployment/rollback-count

error_count=150
if [ "$error_count" -gt 100 ]; then
  kvstore inc alert/error-spike
fi

results='{"findings": ["n+1 query", "unused index"]}'
echo "$results" | kvstore set analysis/result-$(date +%s) -

file_count=3
kvstore set batch/processed-$(date +%Y-%m-%d-%H) "$file_count"
`;
  const r = await run('bash', ['--norc', '-c', script], { ...env, PATH: `${kvstorePathDir()}:${env.PATH}` });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('ROLLBACK=https://bucket.s3.eu-central-1.amazonaws.com/v1.0.0/app.zip?X-Amz-Expires=3600&X-Amz-Signature=ab%2Fcd\n');
  // `kvstore inc` prints the new value as JSON.
  expect(r.stdout).toContain('"key": "deployment/total-deploys",\n  "value": 1');

  expect(await value('deployment/latest-version')).toBe('v1.0.0');
  expect(await value('deployment/latest-commit')).toBe('0123abc');
  expect(await value('deployment/total-deploys')).toBe(1);
  expect(await value('deployment/rollback-count')).toBe(1);
  expect(await value('alert/error-spike')).toBe(1);
  const analysis = [];
  for await (const item of kv.list('analysis/')) analysis.push(item);
  expect(analysis).toHaveLength(1);
  expect(analysis[0]!.key).toMatch(/^analysis\/result-\d{10}$/);
  expect(analysis[0]!.value).toBe('{"findings": ["n+1 query", "unused index"]}');
  const batch = await kvstore(['list', 'batch/', '--format', 'keys'], env);
  expect(batch.stdout).toMatch(/^batch\/processed-\d{4}-\d\d-\d\d-\d\d\n$/);
  expect(await value(batch.stdout.trim())).toBe('3');

  const listed = JSON.parse((await kvstore(['list', 'deployment/'], env)).stdout) as { count: number; items: { key: string }[] };
  expect(listed.items.map((i) => i.key)).toEqual([
    'deployment/latest-commit',
    'deployment/latest-version',
    'deployment/rollback-count',
    'deployment/rollback-url-v1.0.0',
    'deployment/total-deploys',
  ]);
  expect(listed.count).toBe(5);
});

test('kvstore inc from 20 concurrent processes ends exactly 20 higher, each seeing a distinct value', async () => {
  await kv.set('load/counter', 100, {});
  const results = await Promise.all(Array.from({ length: 20 }, () => kvstore(['inc', 'load/counter', '--format', 'value'], env)));
  expect(results.map((r) => r.code)).toEqual(Array(20).fill(0));
  expect(results.map((r) => Number(r.stdout)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
  expect(await value('load/counter')).toBe(120);
  const dec = await kvstore(['dec', 'load/counter', '--by', '5', '--format', 'value'], env);
  expect(dec.stdout).toBe('115\n');
});

test('inc --once: 5 concurrent deliveries of one event count once', async () => {
  const results = await Promise.all(Array.from({ length: 5 }, () => kvstore(['inc', 'deployment/total-deploys-once', '--once', 'artifacts/v1.0.0/app.zip#v1'], env)));
  const outs = results.map((r) => JSON.parse(r.stdout) as { applied: boolean; value: number });
  expect(outs.filter((o) => o.applied)).toHaveLength(1);
  expect(await value('deployment/total-deploys-once')).toBe(1);
  expect(JSON.parse((await kvstore(['inc', 'deployment/total-deploys-once', '--once', 'artifacts/v1.0.1/app.zip#v1'], env)).stdout)).toEqual({
    key: 'deployment/total-deploys-once',
    value: 2,
    applied: true,
  });
});

test('queue pop from 5 concurrent consumer processes hands each of 50 items to exactly one of them', async () => {
  const queue = new KvQueue(kv);
  for (let i = 0; i < 50; i++) await queue.push('work/jobs', `job-${i}`);
  // The consumer loop a script would write: pop until the queue is empty (exit 6).
  const consumer = `while true; do v=$(kvstore queue pop work/jobs --format value); rc=$?; [ $rc -eq 0 ] || break; echo "$v"; done; echo "rc=$rc"`;
  const pathEnv = { ...env, PATH: `${kvstorePathDir()}:${env.PATH}` };
  const outs = await Promise.all(Array.from({ length: 5 }, () => run('bash', ['--norc', '-c', consumer], pathEnv)));
  const popped: string[] = [];
  for (const o of outs) {
    const lines = o.stdout.trimEnd().split('\n');
    expect(lines.pop()).toBe(`rc=${EXIT.CONFLICT}`);
    popped.push(...lines.filter(Boolean));
  }
  expect(popped).toHaveLength(50);
  expect(new Set(popped).size).toBe(50);
  expect(popped.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `job-${i}`).sort());
});

test('queue push and pop through the CLI keep FIFO order and JSON values', async () => {
  expect((await kvstore(['queue', 'push', 'work/fifo', 'first'], env)).code).toBe(0);
  expect((await kvstore(['queue', 'push', 'work/fifo', '-', '--json'], env, '{"n": 2}\n')).code).toBe(0);
  expect((await kvstore(['queue', 'pop', 'work/fifo', '--format', 'value'], env)).stdout).toBe('first\n');
  expect(JSON.parse((await kvstore(['queue', 'pop', 'work/fifo'], env)).stdout)).toMatchObject({ queue: 'work/fifo', seq: 2, value: { n: 2 } });
});

test('locks: one of 5 concurrent acquirers wins; fencing tokens gate release; an expired lease is taken over', async () => {
  const tries = await Promise.all(Array.from({ length: 5 }, (_, i) => kvstore(['lock', 'acquire', 'build/main', '--lease', '30s', '--owner', `agent-${i}`], env)));
  const winners = tries.filter((t) => t.code === 0);
  expect(winners).toHaveLength(1);
  for (const loser of tries.filter((t) => t.code !== 0)) expectOneLineError(loser, EXIT.CONFLICT, /lock "build\/main" is held by agent-\d until .* \(token 1\)/);
  const grant = JSON.parse(winners[0]!.stdout) as { token: number; owner: string };
  expect(grant.token).toBe(1);

  expectOneLineError(await kvstore(['lock', 'release', 'build/main', '--token', '7'], env), EXIT.CONFLICT, /token 7 was never issued/);
  expect(JSON.parse((await kvstore(['lock', 'release', 'build/main', '--token', '1'], env)).stdout)).toEqual({ lock: 'build/main', token: 1, released: true });

  // A short lease that nobody releases: after it runs out the lock is free again, with a larger token.
  const short = await kvstore(['lock', 'acquire', 'build/main', '--lease', '1s', '--format', 'value'], env);
  expect(short.stdout).toBe('2\n');
  await sleep(1100);
  const takeover = await kvstore(['lock', 'acquire', 'build/main', '--lease', '30s', '--format', 'value'], env);
  expect(takeover.stdout).toBe('3\n');
  expectOneLineError(await kvstore(['lock', 'release', 'build/main', '--token', '2'], env), EXIT.CONFLICT, /token 3 took it over/);
});

test('an expired value reads as absent although the emulator still stores it', async () => {
  const set = JSON.parse((await kvstore(['set', 'session/temp', 'soon-gone', '--ttl', '3s'], env)).stdout) as { expires_at: string };
  expect((await kvstore(['get', 'session/temp', '--format', 'value'], env)).stdout).toBe('soon-gone\n');
  await sleep(Date.parse(set.expires_at) - Date.now() + 50);
  expectOneLineError(await kvstore(['get', 'session/temp'], env), EXIT.NOT_FOUND, /no value for "session\/temp"/);
  const raw = await kv.doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'session', sk: 'session/temp' } }));
  expect(raw.Item?.value).toBe('soon-gone');
  expect(JSON.parse((await kvstore(['list', 'session/'], env)).stdout)).toMatchObject({ items: [], count: 0 });
});

test('a value over 400 KB is refused with a pointer to blob, before the call and when DynamoDB rejects it', async () => {
  const pre = await kvstore(['set', 'big/report', '-'], env, Buffer.alloc(512 * 1024, 'a'));
  expectOneLineError(pre, EXIT.CONFLICT, /value for "big\/report" is 512 KB; kvstore items are limited to 400 KB \(store it with `blob put - s3:\/\/blob-dev-bucket-test\/kvstore\/big\/report`/);
  // 406,000 B passes the client check but exceeds the emulator's own limit: the service's rejection maps the same way.
  const post = await kvstore(['set', 'big/report', '-'], env, Buffer.alloc(406_000, 'b'));
  expectOneLineError(post, EXIT.CONFLICT, /limited to 400 KB \(store it with `blob put -/);
  expect(await kv.get('big/report')).toBeUndefined();
});

test('bad inputs each get a one-line error and a documented exit code', async () => {
  await kv.set('bad/text', 'not a number');
  const noCreds = cliEnv({ AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL: moto.endpoint, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' });
  const noEnv = cliEnv(awsEnvFor(moto.endpoint));
  const cases: [string[], number, RegExp, Record<string, string>?][] = [
    [['get', '/etc/passwd'], EXIT.USAGE, /invalid kvstore key "\/etc\/passwd"/],
    [['get', '~internal'], EXIT.USAGE, /cannot start with '\/' or '~'/],
    [['--env', 'nope', 'get', 'a/b'], EXIT.CONFIG, /unknown environment "nope".*dev, staging, prod/],
    [['--env', 'staging', 'get', 'a/b'], EXIT.CONFIG, /environment "staging" is not deployed/],
    [['--table', 'no-such-table', 'get', 'a/b'], EXIT.NOT_FOUND, /kvstore table "no-such-table" not found/],
    [['get', 'a/b'], EXIT.USAGE, /no kvstore table given.*--env/, noEnv],
    [['set', 'a/b', 'v', '--ttl', '5y'], EXIT.USAGE, /invalid duration "5y" for --ttl/],
    [['inc', 'bad/text'], EXIT.CONFLICT, /"bad\/text" holds the string "not a number", not a number/],
    [['inc', 'a/b', '--by', 'two'], EXIT.USAGE, /--by must be an integer, got "two"/],
    [['set', 'a/b'], EXIT.USAGE, /missing required argument 'value'/],
    [['set', 'a/b', '{"x":', '--json'], EXIT.USAGE, /value for "a\/b" is not valid JSON/],
    [['get', 'missing/key'], EXIT.NOT_FOUND, /no value for "missing\/key"/],
    [['--table', TABLE, 'get', 'a/b'], EXIT.AUTH, /no usable AWS credentials/, noCreds],
    [['--endpoint', 'http://127.0.0.1:9', 'get', 'a/b', '--table', TABLE], EXIT.UNAVAILABLE, /cannot reach the service/],
    [['queue', 'pop', 'empty/queue'], EXIT.CONFLICT, /queue "empty\/queue" is empty/],
    [['lock', 'release', 'x/y'], EXIT.USAGE, /required option '--token <n>' not specified/],
    [['lock', 'acquire', 'x/y', '--lease', 'forever'], EXIT.USAGE, /invalid duration "forever" for --lease/],
    [['lock', 'acquire', 'x~y'], EXIT.USAGE, /lock names cannot contain '~'/],
    [['get', 'a/b', '--format', 'yaml'], EXIT.USAGE, /argument 'yaml' is invalid/],
    [['frobnicate'], EXIT.USAGE, /unknown command 'frobnicate'/],
  ];
  const results = await Promise.all(cases.map(([args, , , e]) => kvstore(args, e ?? env)));
  results.forEach((r, i) => {
    const [args, code, pattern] = cases[i]!;
    try {
      expectOneLineError(r, code, pattern);
    } catch (err) {
      throw new Error(`kvstore ${args.join(' ')}: ${(err as Error).message}\nstderr: ${r.stderr}`, { cause: err });
    }
  });
  expect(await value('a/b')).toBeUndefined();
});

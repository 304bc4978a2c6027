import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLocalStack } from '../support/local-stack';
import { blob, ensureBlobBuilt, RunResult, sh, shellWorkspace } from './blob-harness';

/**
 * Issue 15 acceptance 2: S3 conditional writes through the real `blob` CLI against the local copy
 * (moto with local/emulator/moto_conditional.py, policies enforced by the gateway). A lost
 * condition exits 6 and names the object's current ETag.
 */
const stack = useLocalStack({ fixture: true });
const ws = shellWorkspace();
let n = 0;

beforeAll(() => ensureBlobBuilt(), 120_000);

const env = (): Record<string, string | undefined> => ({ ...stack().awsEnv, BLOB_ENV: undefined, BLOB_BUCKET: stack().outputs.bucket, PATH: ws.path });
const cli = (args: string[], input?: string | Buffer): Promise<RunResult> => blob(['--quiet', ...args], { env: env(), ...(input !== undefined ? { input } : {}) });
const key = (name: string): string => `cond/${++n}-${name}`;
const etagOf = (r: RunResult): string => (JSON.parse(r.stdout) as { etag: string }).etag;

test('put --if-none-match "*" creates once; the second exits 6 with the current ETag', async () => {
  const k = key('create');
  const first = await cli(['put', '-', k, '--if-none-match', '*'], 'one');
  expect(first.code).toBe(0);
  const second = await cli(['put', '-', k, '--if-none-match', '*'], 'two');
  expect(second.code).toBe(6);
  expect(second.stderr.trim().split('\n')).toHaveLength(1);
  expect(second.stderr).toContain(`current ETag ${etagOf(first)}`);
  expect((await cli(['get', k, '-'])).stdout).toBe('one');
}, 300_000);

test('put --if-match is a compare-and-swap: a stale ETag exits 6, the current one replaces', async () => {
  const k = key('cas');
  const v1 = etagOf(await cli(['put', '-', k], 'v1'));
  const v2 = etagOf(await cli(['put', '-', k, '--if-match', v1], 'v2'));
  const stale = await cli(['put', '-', k, '--if-match', v1], 'v3');
  expect(stale.code).toBe(6);
  expect(stale.stderr).toContain(`current ETag ${v2}`);
  expect((await cli(['get', k, '-'])).stdout).toBe('v2');
  const missing = await cli(['put', '-', key('absent'), '--if-match', v1], 'x');
  expect(missing.code).toBe(6);
  expect(missing.stderr).toContain('the object does not exist');
}, 300_000);

test('the conditions hold on multipart uploads (checked at CompleteMultipartUpload)', async () => {
  const k = key('multipart');
  const file = join(ws.dir, 'big.bin');
  writeFileSync(file, Buffer.alloc(17 * 1024 * 1024, 7));
  const made = await cli(['put', file, k, '--if-none-match', '*']);
  expect(made.code).toBe(0);
  expect(JSON.parse(made.stdout).parts).toBeGreaterThan(1);
  expect((await cli(['put', file, k, '--if-none-match', '*'])).code).toBe(6);
  const stale = await cli(['put', file, k, '--if-match', 'deadbeefdeadbeefdeadbeefdeadbeef']);
  expect(stale.code).toBe(6);
  expect(stale.stderr).toContain(`current ETag ${etagOf(made)}`);
  expect((await cli(['put', file, k, '--if-match', etagOf(made)])).code).toBe(0);
}, 300_000);

test('copy honours --if-none-match / --if-match on the destination; delete honours --if-match', async () => {
  const src = key('src');
  const dst = key('dst');
  await cli(['put', '-', src], 'source');
  const old = etagOf(await cli(['put', '-', dst], 'dest'));
  expect((await cli(['copy', src, dst, '--if-none-match', '*'])).code).toBe(6);
  expect((await cli(['copy', src, dst, '--if-match', 'feedfeedfeedfeedfeedfeedfeedfeed'])).code).toBe(6);
  expect((await cli(['get', dst, '-'])).stdout).toBe('dest');
  const copied = await cli(['copy', src, dst, '--if-match', old]);
  expect(copied.code).toBe(0);
  const stale = await cli(['delete', dst, '--if-match', old]);
  expect(stale.code).toBe(6);
  expect(stale.stderr).toContain(`current ETag ${etagOf(copied)}`);
  expect((await cli(['get', dst, '-'])).stdout).toBe('source');
  expect((await cli(['delete', dst, '--if-match', etagOf(copied)])).code).toBe(0);
  expect((await cli(['get', dst, '-'])).code).toBe(5);
}, 300_000);

test('bad condition flags are usage errors (exit 2)', async () => {
  expect((await cli(['put', '-', key('x'), '--if-none-match', 'abc'], 'x')).code).toBe(2);
  expect((await cli(['put', '-', key('x'), '--if-none-match', '*', '--if-match', 'abc'], 'x')).code).toBe(2);
}, 300_000);

test('ten processes racing put --if-none-match "*" on one key: exactly one wins, nine exit 6', async () => {
  const k = key('race');
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cli(['put', '-', k, '--if-none-match', '*'], `writer ${i}`)));
  const codes = results.map((r) => r.code).sort();
  expect(codes).toEqual([0, 6, 6, 6, 6, 6, 6, 6, 6, 6]);
  const winner = results.findIndex((r) => r.code === 0);
  expect((await cli(['get', k, '-'])).stdout).toBe(`writer ${winner}`);
}, 300_000);

test('ten processes incrementing a JSON counter by compare-and-swap loops lose no increment', async () => {
  const k = key('counter');
  await cli(['put', '-', k], JSON.stringify({ count: 0 }));
  // The README's read-modify-write loop: read value and ETag, write back only if unchanged.
  const loop = `
    while :; do
      etag=$(blob get "$KEY" "counter-$$.json" | jq -r .etag)
      jq '.count += 1' "counter-$$.json" > "next-$$.json"
      code=0; blob put "next-$$.json" "$KEY" --if-match "$etag" > /dev/null 2>&1 || code=$?
      [ "$code" -eq 0 ] && break
      [ "$code" -eq 6 ] || exit "$code"
    done`;
  const results = await Promise.all(Array.from({ length: 10 }, () => sh(loop, { env: { ...env(), KEY: k }, cwd: ws.dir })));
  // stderr only explains a failure (a loop exits with the code of an unexpected error).
  expect(results.map((r) => (r.code === 0 ? 0 : `${r.code}: ${r.stderr}`))).toEqual(Array(10).fill(0));
  expect(JSON.parse((await cli(['get', k, '-'])).stdout)).toEqual({ count: 10 });
}, 400_000);

import { createHash } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import { mapPool } from '../../cli/blob/transfer/pool';
import { useLocalStack } from '../support/local-stack';
import { blob, ensureBlobBuilt, RunResult } from './blob-harness';

/**
 * Issue 15 acceptance 3 at its size (1,000 objects): snapshot a workspace, modify it
 * (overwrites, deletes, new keys), then `restore --snapshot`, `restore --at` and `fork` make a
 * prefix byte-identical to the snapshot (listing and content hashes), through the real CLI against
 * the local copy with policies enforced. Bench: bench/scenarios/snapshot-100k.ts.
 */
const stack = useLocalStack({ fixture: true });
const WS = 'workspaces/snap/';
const COUNT = 1000;
let s3: S3Client;
let bucket: string;
let base: Record<string, string>;
let baseAt: string;

const cli = (args: string[]): Promise<RunResult> => blob(['--quiet', ...args], { env: { ...stack().awsEnv, BLOB_ENV: undefined, BLOB_BUCKET: bucket } });
const url = (prefix: string): string => `s3://${bucket}/${prefix}`;
const keyOf = (i: number): string => `${WS}${i % 4 === 0 ? 'deep/er/' : ''}obj-${String(i).padStart(4, '0')}.txt`;
const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
const ok = (r: RunResult): Record<string, unknown> => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

/** Relative key → SHA-256 of the content, for every current object under prefix (snapshots excluded). */
async function contents(prefix: string): Promise<Record<string, string>> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (!o.Key!.startsWith(`${prefix}.snapshots/`)) keys.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  const hashes = await mapPool(keys, 16, async (k) => {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }))).Body!.transformToByteArray();
    return [k.slice(prefix.length), createHash('sha256').update(body).digest('hex')] as const;
  });
  return Object.fromEntries(hashes);
}

/** Overwrites 20 keys, deletes 20, adds 20 (round names the new content). */
async function modify(round: string): Promise<void> {
  const idx = Array.from({ length: 20 }, (_, i) => i);
  await mapPool(idx, 8, (i) => put(keyOf(i), `${round} overwrite ${i}`));
  await mapPool(idx, 8, (i) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(100 + i) })));
  await mapPool(idx, 8, (i) => put(`${WS}new/${round}-${i}.txt`, `${round} new ${i}`));
}

beforeAll(async () => {
  ensureBlobBuilt();
  const env = stack().awsEnv;
  bucket = stack().outputs.bucket;
  s3 = new S3Client({
    ...clientConfig({ endpoint: stack().endpoint, region: stack().region }),
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) },
  });
  await mapPool(Array.from({ length: COUNT }, (_, i) => i), 16, (i) => put(keyOf(i), `object ${i} version 1`));
  base = await contents(WS);
  const made = ok(await cli(['snapshot', 'create', url(WS), '--name', 'base']));
  expect(made).toMatchObject({ name: 'base', objects: COUNT, pinned: false });
  baseAt = made.at as string;
  // S3 timestamps have whole seconds: keep the changes out of the snapshot's second for --at.
  await new Promise((r) => setTimeout(r, 1100));
  await modify('r1');
}, 400_000);

afterAll(() => s3?.destroy());

test('snapshot list, show and diff describe the snapshot and what changed since', async () => {
  expect(Object.keys(base)).toHaveLength(COUNT);
  const listed = ok(await cli(['snapshot', 'list', url(WS)]));
  expect((listed.snapshots as Array<{ name: string }>).map((s) => s.name)).toEqual(['base']);
  const shown = (await cli(['snapshot', 'show', url(WS), 'base'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(shown).toHaveLength(COUNT + 2);
  expect(shown[shown.length - 1]).toMatchObject({ end: true, objects: COUNT });
  const diff = (await cli(['snapshot', 'diff', url(WS), 'base', 'now'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(diff[diff.length - 1]).toEqual({ summary: { from: 'base', to: 'now', added: 20, removed: 20, modified: 20, unchanged: COUNT - 40 } });
  expect((await cli(['snapshot', 'create', url(WS), '--name', 'base'])).code).toBe(6);
}, 300_000);

test('fork --snapshot copies the snapshot into a new prefix without touching the original', async () => {
  const before = await contents(WS);
  const forked = ok(await cli(['fork', url(WS), url('workspaces/snap-fork/'), '--snapshot', 'base']));
  expect(forked).toMatchObject({ copied: COUNT, deleted: 0 });
  expect(await contents('workspaces/snap-fork/')).toEqual(base);
  expect(await contents(WS)).toEqual(before);
}, 300_000);

test('restore --snapshot --dry-run counts the work and changes nothing; restore makes the prefix identical', async () => {
  const before = await contents(WS);
  const plan = ok(await cli(['restore', url(WS), '--snapshot', 'base', '--dry-run']));
  expect(plan).toMatchObject({ dry_run: true, copied: 40, deleted: 0, extra_kept: 20, unchanged: COUNT - 40 });
  expect(await contents(WS)).toEqual(before);
  const done = ok(await cli(['restore', url(WS), '--snapshot', 'base', '--delete']));
  expect(done).toMatchObject({ dry_run: false, copied: 40, deleted: 20 });
  expect(await contents(WS)).toEqual(base);
}, 300_000);

test('restore --at rebuilds the snapshot instant from version history alone', async () => {
  await modify('r2');
  expect(await contents(WS)).not.toEqual(base);
  const done = ok(await cli(['restore', url(WS), '--at', baseAt, '--delete']));
  expect(done).toMatchObject({ at: baseAt, copied: 40, deleted: 20 });
  expect(await contents(WS)).toEqual(base);
}, 300_000);

test('a restore interrupted half-way finishes on rerun without redoing the finished keys', async () => {
  await modify('r3');
  // The "first run" got through half of the overwritten keys: copy their snapshot versions back.
  const manifest = (await cli(['snapshot', 'show', url(WS), 'base'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { key?: string; version_id?: string });
  const versionOf = new Map(manifest.filter((e) => e.key).map((e) => [e.key!, e.version_id!]));
  await mapPool(Array.from({ length: 10 }, (_, i) => keyOf(i)), 8, (k) =>
    s3.send(new CopyObjectCommand({ Bucket: bucket, Key: k, CopySource: `${bucket}/${k}?versionId=${versionOf.get(k)}` })),
  );
  const rerun = ok(await cli(['restore', url(WS), '--snapshot', 'base', '--delete']));
  expect(rerun).toMatchObject({ copied: 30, deleted: 20, unchanged: COUNT - 30 });
  expect(await contents(WS)).toEqual(base);
  expect(ok(await cli(['restore', url(WS), '--snapshot', 'base', '--delete']))).toMatchObject({ copied: 0, deleted: 0, unchanged: COUNT });
}, 300_000);

test('a snapshot whose version has expired is refused with a clear message and nothing changes', async () => {
  const snap = ok(await cli(['snapshot', 'create', url(WS), '--name', 'doomed']));
  expect(snap.restorable_until).toBeDefined();
  const shown = (await cli(['snapshot', 'show', url(WS), 'doomed'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { key?: string; version_id?: string });
  const victim = shown.find((e) => e.key === keyOf(1))!;
  await put(keyOf(1), 'replaced');
  await put(keyOf(2), 'also replaced');
  // What the lifecycle rule does 30 days after the version became noncurrent.
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: victim.key!, VersionId: victim.version_id! }));
  const refused = await cli(['restore', url(WS), '--snapshot', 'doomed']);
  expect(refused.code).toBe(5);
  expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  expect(refused.stderr).toContain(`${victim.key} version ${victim.version_id}`);
  expect(refused.stderr).toContain('nothing was changed');
  expect((await contents(WS))[keyOf(2).slice(WS.length)]).toBe(createHash('sha256').update('also replaced').digest('hex'));
  expect((await cli(['fork', url(WS), url('workspaces/snap-doomed/'), '--snapshot', 'doomed'])).code).toBe(5);
}, 300_000);

test('bad snapshot usage: unknown snapshot exits 5, --at in the future or too old exits 2 / 5', async () => {
  expect((await cli(['restore', url(WS), '--snapshot', 'nope'])).code).toBe(5);
  expect((await cli(['restore', url(WS), '--at', '2999-01-01T00:00:00Z'])).code).toBe(2);
  expect((await cli(['restore', url(WS), '--at', '2000-01-01T00:00:00Z'])).code).toBe(5);
  expect((await cli(['fork', url(WS), url(`${WS}inner/`)])).code).toBe(2);
}, 300_000);

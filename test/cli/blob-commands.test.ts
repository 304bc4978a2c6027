import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientConfig } from '../../core/aws-config';
import { AUDIT_KEY, recordAuditEvent } from '../../core/audit';
import { MotoServer, startMoto } from '../support/moto';
import { createCompositeKeyTable } from '../support/tables';
import { blob, cliEnv, createVersionedBucket, ensureBlobBuilt, publishEnvironment, RunResult, s3For, sh, shellWorkspace } from './blob-harness';

/**
 * The commands and flags the seed does not exercise: history (audit table via --env), tag
 * set/merge, delete of a version, list formats and one-level listing, select's S3 Select pushdown
 * and output formats, short keys through BLOB_BUCKET, and put-dir's skip of unchanged files.
 */
const BUCKET = 'blob-commands';
const AUDIT = 'blob-commands-audit';
let moto: MotoServer;
let s3: S3Client;
const ws = shellWorkspace();
const b = (args: string[], env: Record<string, string> = {}): Promise<RunResult> => blob(args, { env: { ...cliEnv(moto.endpoint), ...env }, cwd: ws.dir });
const ok = (r: RunResult): string => {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r.stdout;
};
const json = <T = Record<string, unknown>>(s: string): T => JSON.parse(s) as T;

beforeAll(async () => {
  ensureBlobBuilt();
  moto = await startMoto();
  s3 = s3For(moto.endpoint);
  await createVersionedBucket(s3, BUCKET);
  await publishEnvironment(moto.endpoint, 'dev', BUCKET, 'blob-commands-kv', AUDIT);
  const ddb = new DynamoDBClient({ ...clientConfig({ endpoint: moto.endpoint, region: 'eu-central-1' }), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await createCompositeKeyTable(ddb, AUDIT, AUDIT_KEY);
  const doc = DynamoDBDocumentClient.from(ddb);
  const base = { key: 'config/app.yaml', bucket: BUCKET, region: 'eu-central-1', expiresAt: Math.floor(Date.now() / 1000) + 86_400 };
  await recordAuditEvent(doc, AUDIT, { ...base, eventType: 'Object Created', reason: 'PutObject', versionId: 'v1', time: '2025-11-15T10:00:00Z', eventId: 'e1', requester: 'agent-1' });
  await recordAuditEvent(doc, AUDIT, { ...base, eventType: 'Object Created', reason: 'PutObject', versionId: 'v2', time: '2025-11-15T14:00:00Z', eventId: 'e2', requester: 'agent-2' });
  ddb.destroy();
  const csv = 'level,msg\nERROR,db down\nINFO,ok\nERROR,timeout\n';
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'logs/app.csv', Body: csv }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'logs/2025/a.log', Body: 'a' }));
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

it('history prints the audit trail of a key, newest first, from the environment\'s audit table', async () => {
  const out = json<{ uri: string; history: Array<Record<string, unknown>> }>(ok(await b(['history', 'config/app.yaml', '--env', 'dev'])));
  expect(out.uri).toBe(`s3://${BUCKET}/config/app.yaml`);
  expect(out.history.map((h) => [h.versionId, h.requester])).toEqual([
    ['v2', 'agent-2'],
    ['v1', 'agent-1'],
  ]);
  expect(json<{ history: unknown[] }>(ok(await b(['history', 'config/app.yaml', '--limit', '1'], { BLOB_ENV: 'dev' }))).history).toHaveLength(1);
});

it('tag replaces, merges and prints tags; delete --version-id removes exactly one version', async () => {
  writeFileSync(join(ws.dir, 'x.txt'), 'one');
  const v1 = json<{ version_id: string }>(ok(await b(['put', 'x.txt', `s3://${BUCKET}/t/x.txt`, '--tags', 'a=1']))).version_id;
  writeFileSync(join(ws.dir, 'x.txt'), 'two');
  ok(await b(['put', 'x.txt', `s3://${BUCKET}/t/x.txt`]));
  ok(await b(['tag', `s3://${BUCKET}/t/x.txt`, 'env=prod']));
  expect(json(ok(await b(['tag', `s3://${BUCKET}/t/x.txt`, 'team=data', '--merge']))).tags).toEqual({ env: 'prod', team: 'data' });
  expect(json(ok(await b(['tag', `s3://${BUCKET}/t/x.txt`, '--version-id', v1]))).tags).toEqual({ a: '1' });
  expect(json(ok(await b(['delete', `s3://${BUCKET}/t/x.txt`, '--version-id', v1])))).toMatchObject({ version_id: v1, delete_marker: false });
  const versions = json<{ versions: unknown[] }>(ok(await b(['versions', `s3://${BUCKET}/t/x.txt`]))).versions;
  expect(versions).toHaveLength(1);
  expect(ok(await b(['get', `s3://${BUCKET}/t/x.txt`, '-']))).toBe('two');
  const deleted = json(ok(await b(['delete', `s3://${BUCKET}/t/x.txt`])));
  expect(deleted).toMatchObject({ delete_marker: true });
  expect((await b(['get', `s3://${BUCKET}/t/x.txt`, '-'])).code).toBe(5);
});

it('list: one level with prefixes, jsonl, table and keys; short keys via BLOB_BUCKET', async () => {
  const level = json<{ objects: Array<{ key: string }>; prefixes: string[] }>(ok(await b(['list', `s3://${BUCKET}/logs/`, '--no-recursive'])));
  expect(level.objects.map((o) => o.key)).toEqual(['logs/app.csv']);
  expect(level.prefixes).toEqual(['logs/2025/']);
  const jsonl = ok(await b(['list', `s3://${BUCKET}/logs/`, '--format', 'jsonl', '--no-metadata'])).trim().split('\n').map((l) => json(l));
  expect(jsonl.map((o) => o.key)).toEqual(['logs/2025/a.log', 'logs/app.csv']);
  expect(jsonl[0]).not.toHaveProperty('metadata');
  expect(ok(await b(['list', `s3://${BUCKET}/logs/`, '--format', 'table']))).toMatch(/^\d{4}-\d\d-\d\dT\S+\s+1 STANDARD\s+logs\/2025\/a\.log$/m);
  const keys = ok(await b(['list', 'logs/', '--format', 'keys'], { BLOB_BUCKET: BUCKET })).trim().split('\n');
  expect(keys).toEqual(['logs/2025/a.log', 'logs/app.csv']);
  expect(ok(await b(['get', keys[0]!, '-'], { BLOB_BUCKET: BUCKET }))).toBe('a');
  expect(json<{ objects: unknown[] }>(ok(await b(['list', `s3://${BUCKET}/logs/`, '--since', '2000-01-01']))).objects).toHaveLength(2);
  // A future --since could match nothing: refused (exit 2), not an empty listing (issue 14 class 7).
  expect((await b(['list', `s3://${BUCKET}/logs/`, '--since', '2999-01-01'])).code).toBe(2);
});

it('a short key resolves to the environment\'s bucket (put x sessions/a.json --env dev)', async () => {
  writeFileSync(join(ws.dir, 'a.json'), '{"a":1}');
  expect(json(ok(await b(['put', 'a.json', 'sessions/a.json', '--env', 'dev'])))).toMatchObject({ uri: `s3://${BUCKET}/sessions/a.json`, content_type: 'application/json' });
  expect(ok(await b(['get', 'sessions/a.json'], { BLOB_ENV: 'dev' }))).toBe('{"a":1}');
});

it('select: S3 Select pushdown (--engine s3) and the client engine agree; csv and json output', async () => {
  const sql = "SELECT * FROM s3object s WHERE s.level = 'ERROR'";
  const pushed = ok(await b(['select', `s3://${BUCKET}/logs/app.csv`, sql, '--engine', 's3']));
  const client = ok(await b(['select', `s3://${BUCKET}/logs/app.csv`, sql, '--engine', 'client']));
  expect(pushed).toBe(client);
  expect(client).toBe('{"level":"ERROR","msg":"db down"}\n{"level":"ERROR","msg":"timeout"}\n');
  expect(ok(await b(['select', `s3://${BUCKET}/logs/app.csv`, 'SELECT level, COUNT(*) AS n FROM s3object GROUP BY level', '--output', 'csv']))).toBe('level,n\nERROR,2\nINFO,1\n');
  expect(json(ok(await b(['select', `s3://${BUCKET}/logs/app.csv`, 'SELECT msg FROM s3object LIMIT 1', '--output', 'json'])))).toEqual([{ msg: 'db down' }]);
});

it('put streams a pipe given as a path (blob put <(cmd) DST)', async () => {
  const r = await sh(`blob put <(printf piped) s3://${BUCKET}/pipe.txt`, { env: { ...cliEnv(moto.endpoint), PATH: ws.path }, cwd: ws.dir });
  expect(json(ok(r))).toMatchObject({ size: 5, parts: 1 });
  expect(ok(await b(['get', `s3://${BUCKET}/pipe.txt`, '-']))).toBe('piped');
});

it('put-dir skips unchanged files and uploads changed ones; get-dir keeps relative paths', async () => {
  const dir = join(ws.dir, 'tree');
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'a', 'b', 'deep.txt'), 'deep');
  writeFileSync(join(dir, 'top.txt'), 'top');
  expect(json(ok(await b(['put-dir', 'tree', `s3://${BUCKET}/tree`])))).toMatchObject({ transferred: 2, skipped: 0 });
  expect(json(ok(await b(['put-dir', 'tree', `s3://${BUCKET}/tree/`])))).toMatchObject({ transferred: 0, skipped: 2 });
  expect(ok(await b(['get', `s3://${BUCKET}/tree/a/b/deep.txt`, '-']))).toBe('deep');
});

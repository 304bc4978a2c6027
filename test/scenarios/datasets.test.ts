import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { HandlerFixture, lambdaContext, keysUnder, objectCreated, resent, startHandlerFixture } from '../handlers/fixture';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

let h: HandlerFixture;
const context = lambdaContext();
let verify: (typeof import('../../lambda/datasets-verify'))['handler'];
let lineage: (typeof import('../../lambda/models-lineage'))['handler'];
beforeAll(async () => {
  h = await startHandlerFixture();
  ({ handler: verify } = await import('../../lambda/datasets-verify'));
  ({ handler: lineage } = await import('../../lambda/models-lineage'));
});
afterAll(() => h?.moto.stop());

const sha256 = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');
const CSV = 'id,text,label\n1,"hello, world",1\n2,"two\nlines",0\n3,plain,1\n';

async function upload(key: string, body: string | Uint8Array, metadata: Record<string, string>) {
  return objectCreated(h.bucket, await h.put(key, body, metadata));
}

test('a dataset matching its hash and rows metadata is verified and not alerted', async () => {
  const event = await upload('datasets/v1.0.0/training.csv', CSV, { version: 'v1.0.0', rows: '3', hash: sha256(CSV) });
  expect(await verify(event, context)).toMatchObject({ status: 'verified', alert: 'none' });
  expect((await h.kv.get('dataset/v1.0.0/training.csv'))?.value).toMatchObject({
    status: 'verified',
    actual: { sha256: sha256(CSV), rows: 3, bytes: Buffer.byteLength(CSV) },
  });
  expect(await h.drainNotifications()).toEqual([]);
});

test('acceptance: content that does not match its hash metadata is caught, recorded and alerted once', async () => {
  const claimed = sha256('the file the data scientist meant to upload');
  const event = await upload('datasets/v1.1.0/training.csv', CSV, { version: 'v1.1.0', rows: '3', hash: claimed });
  const result = await verify(event, context);
  expect(result).toMatchObject({ status: 'mismatch', alert: 'published' });
  const status = (await h.kv.get('dataset/v1.1.0/training.csv'))?.value as Record<string, unknown>;
  expect(status).toMatchObject({ status: 'mismatch', expected: { hash: claimed, rows: 3 }, actual: { sha256: sha256(CSV), rows: 3 } });
  expect(status.problems).toEqual([`sha256 ${sha256(CSV)} differs from metadata hash ${claimed}`]);
  const sent = await h.drainNotifications();
  expect(sent).toHaveLength(1);
  expect(sent[0]?.body).toMatchObject({ scenario: 'datasets', object: `s3://${h.bucket}/datasets/v1.1.0/training.csv`, status: 'mismatch' });
  expect(await keysUnder(h.kv, 'alert/dataset-mismatch/')).toHaveLength(1);

  // Duplicates, including one after the idempotency record is gone, neither re-alert nor re-record.
  await verify(resent(event), context);
  await h.forgetIdempotency();
  expect(await verify(resent(event), context)).toMatchObject({ status: 'mismatch', alert: 'already-notified' });
  expect(await h.drainNotifications()).toEqual([]);
});

test('row counts: JSONL lines and the parquet footer are checked against rows metadata', async () => {
  const jsonl = '{"a":1}\n{"a":2}\n';
  expect(await verify(await upload('datasets/v2.0.0/val.jsonl', jsonl, { rows: '5', hash: sha256(jsonl) }), context)).toMatchObject({
    status: 'mismatch',
    problems: ['2 rows differ from metadata rows 5'],
  });
  const parquet = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [1, 2, 3, 4], type: 'INT32' }] }));
  expect(await verify(await upload('datasets/v2.0.0/train.parquet', parquet, { rows: '4', hash: sha256(parquet) }), context)).toMatchObject({ status: 'verified' });
  expect((await h.kv.get('dataset/v2.0.0/train.parquet'))?.value).toMatchObject({ actual: { rows: 4 } });
  // The seed's validation split carries rows but no hash: recorded as unverified, not alerted.
  expect(await verify(await upload('datasets/v2.0.0/validation.parquet', parquet, { rows: '4' }), context)).toMatchObject({ status: 'unverified', alert: 'none' });
  expect(await h.drainNotifications()).toHaveLength(1);
});

test('lineage: models link to their dataset both ways; queries are kvstore list/get, not bucket listings', async () => {
  const model = (key: string, ds: string) => upload(key, 'pickle-bytes', { dataset_version: ds, training_time: '1731696000' });
  for (const e of [await model('models/v1.0/model.pkl', 'v1.0.0'), await model('models/v1.1/model.pkl', 'v1.0.0'), await model('models/v2.0/model.pkl', 'v1.1.0')]) {
    await lineage(e, context);
  }
  expect(await keysUnder(h.kv, 'lineage/dataset/v1.0.0/models/')).toEqual(['lineage/dataset/v1.0.0/models/v1.0/model.pkl', 'lineage/dataset/v1.0.0/models/v1.1/model.pkl']);
  expect((await h.kv.get('lineage/model/v2.0/model.pkl'))?.value).toMatchObject({ dataset: 'v1.1.0', key: 'models/v2.0/model.pkl', trainedAt: '1731696000' });

  // Retrained on another dataset: the model leaves the old dataset's list. A duplicate of the
  // relink (after the idempotency record is gone) changes nothing.
  const relink = await model('models/v1.1/model.pkl', 'v1.1.0');
  expect(await lineage(relink, context)).toMatchObject({ applied: true });
  await h.forgetIdempotency();
  expect(await lineage(resent(relink), context)).toMatchObject({ applied: false });
  expect(await keysUnder(h.kv, 'lineage/dataset/v1.0.0/models/')).toEqual(['lineage/dataset/v1.0.0/models/v1.0/model.pkl']);
  expect(await keysUnder(h.kv, 'lineage/dataset/v1.1.0/models/')).toEqual(['lineage/dataset/v1.1.0/models/v1.1/model.pkl', 'lineage/dataset/v1.1.0/models/v2.0/model.pkl']);

  // The documented query commands.
  const kvstore = (args: string[]) => run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'cli', 'kvstore', 'main.ts'), ...args], { env: { ...process.env, ...h.env, BLOB_ENV: '' } }).then((r) => r.stdout.trim());
  expect(await kvstore(['list', 'lineage/dataset/v1.0.0/models/', '--format', 'keys', '--table', h.tables.kvstore])).toBe('lineage/dataset/v1.0.0/models/v1.0/model.pkl');
  expect(JSON.parse(await kvstore(['get', 'lineage/model/v1.0/model.pkl', '--table', h.tables.kvstore]))).toMatchObject({ value: { dataset: 'v1.0.0' } });
});

test('a model without dataset_version metadata is refused with the fix', async () => {
  const event = await upload('models/v3.0/model.pkl', 'x', {});
  expect(await lineage(event, context)).toEqual({ rejected: 'missing dataset_version' });
  expect(await h.kv.get('lineage/model/v3.0/model.pkl')).toBeUndefined();
});

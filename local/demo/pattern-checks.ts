import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { queryHistory } from '../../core/audit';
import { hourOf } from '../../lambda/batch/hourly';
import { onceKey } from '../../lambda/shared/exactly-once';
import { KvStore } from '../../core/kvstore';
import { identityKey } from '../../core/s3-events';
import { demoClients } from './clients';
import type { DemoContext, DemoResult } from './types';
import { waitFor } from './wait';

export { waitFor };

/**
 * The end-to-end checks of event patterns 1–4 and the audit trail, shared by the demo flows
 * (local/demo/flows/1x-*.ts) and the e2e tests. Each writes through the SDK to the running local
 * stack and waits for the pipeline's result over the wire; it throws with what it saw on a timeout.
 */
const clients = demoClients;


const CSV = 'id,name,price\n1,apple,1.5\n2,pear,\n3,apple,2.5\n';

export async function checkUploadProcessing(ctx: DemoContext): Promise<DemoResult> {
  const { s3, doc } = clients(ctx);
  const kv = new KvStore(doc, ctx.table);
  const key = `uploads/${ctx.runId}/demo.csv`;
  const started = Date.now();
  const put = await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: CSV, ContentType: 'text/csv' }));
  const analysis = await waitFor(`kvstore analysis/${key}`, async () => {
    const v = (await kv.get(`analysis/${key}`))?.value as { status?: string; rowCount?: number; versionId?: string } | undefined;
    return v?.versionId === put.VersionId ? v : undefined;
  });
  const latencyMs = Date.now() - started;
  if (analysis.status !== 'succeeded' || analysis.rowCount !== 3) throw new Error(`unexpected analysis ${JSON.stringify(analysis)}`);
  const marker = onceKey('notified', 'analysis', identityKey({ bucket: ctx.bucket, key, versionId: put.VersionId }));
  await waitFor('the analysis notification', async () => (((await kv.get(marker))?.value as { notified?: boolean } | undefined)?.notified === true ? true : undefined));
  return { detail: `analysis/${key}: 3 rows, 3 columns; SNS summary published once`, latencyMs };
}

export async function checkFanOut(ctx: DemoContext): Promise<DemoResult> {
  const { s3 } = clients(ctx);
  const key = `raw-data/${ctx.runId}/order.json`;
  const started = Date.now();
  const put = await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: JSON.stringify({ customer: 'Acme', items: [{ sku: 'A-1' }] }) }));
  const merged = await waitFor(`processed-data/${ctx.runId}/order.json`, async () => {
    const res = await s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: `processed-data/${ctx.runId}/order.json` }));
    const doc = JSON.parse(await res.Body!.transformToString()) as { status: string; source: { versionId?: string }; index: { fields: string[] } };
    return doc.source.versionId === put.VersionId ? doc : undefined;
  });
  if (merged.status !== 'processed' || !merged.index.fields.includes('items[].sku')) throw new Error(`unexpected merge ${JSON.stringify(merged)}`);
  return { detail: `validate + enrich + index joined once into processed-data/${ctx.runId}/order.json`, latencyMs: Date.now() - started };
}

export async function checkHourlyBatch(ctx: DemoContext): Promise<DemoResult> {
  const { s3, doc } = clients(ctx);
  const kv = new KvStore(doc, ctx.table);
  // The schedule processes the hour before "now": put the files there, then fire the rule.
  const hour = hourOf(new Date(Date.now() - 3_600_000));
  const keys = [`uploads/${hour}/${ctx.runId}-a.csv`, `uploads/${hour}/${ctx.runId}-b.txt`];
  for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: key.endsWith('.csv') ? CSV : 'hello\n' }));
  const started = Date.now();
  await ctx.tick('HourlyBatch');
  for (const key of keys) {
    await waitFor(`deletion of ${key}`, async () =>
      s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key })).then(
        () => undefined,
        (err: Error) => (err.name === 'NotFound' ? true : undefined),
      ),
    );
  }
  const summary = await waitFor(`batch/processed-${hour}`, async () => (await kv.get(`batch/processed-${hour}`))?.value as { objects: number; rows: number } | undefined);
  if (summary.objects < 2) throw new Error(`summary counts ${summary.objects} objects, expected at least 2`);
  return { detail: `batch/processed-${hour}: ${summary.objects} objects, ${summary.rows} rows; originals deleted (versions kept)`, latencyMs: Date.now() - started };
}

export async function checkReplicaProcessing(ctx: DemoContext): Promise<DemoResult> {
  const { s3 } = clients(ctx);
  const replica = clients(ctx, ctx.replicaRegion);
  const kv = new KvStore(replica.doc, ctx.replicaTable);
  const key = `critical/${ctx.runId}/state.json`;
  const started = Date.now();
  await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: '{"ok":true}\n' }));
  const result = await waitFor(`replica/${key} in ${ctx.replicaRegion}`, async () => (await kv.get(`replica/${key}`))?.value as { status: string; region: string; bytes: number } | undefined, 60_000);
  if (result.status !== 'processed' || result.bytes !== 12) throw new Error(`unexpected replica result ${JSON.stringify(result)}`);
  return { detail: `${key} replicated to ${ctx.replicaRegion} and processed there (replica/${key})`, latencyMs: Date.now() - started };
}

export async function checkAuditTrail(ctx: DemoContext): Promise<DemoResult> {
  const { s3, doc } = clients(ctx);
  const key = `sessions/${ctx.runId}/notes.md`;
  const started = Date.now();
  const put = await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: '# notes\n' }));
  await s3.send(new DeleteObjectCommand({ Bucket: ctx.bucket, Key: key }));
  const history = await waitFor(`audit history of ${key}`, async () => {
    const h = await queryHistory(doc, ctx.auditTable, key);
    return h.some((r) => r.eventType === 'Object Deleted') && h.some((r) => r.eventType === 'Object Created') ? h : undefined;
  });
  const created = history.find((r) => r.eventType === 'Object Created')!;
  if (created.versionId !== put.VersionId || created.size !== 8) throw new Error(`unexpected audit record ${JSON.stringify(created)}`);
  return { detail: `${key}: ${history.map((r) => r.eventType).join(' ← ')} (requester ${created.requester}, ip ${created.sourceIp})`, latencyMs: Date.now() - started };
}

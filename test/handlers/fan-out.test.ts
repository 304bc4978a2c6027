import './quiet';
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { handler as validate } from '../../lambda/fanout-validate';
import { handler as enrich } from '../../lambda/fanout-enrich';
import { handler as index } from '../../lambda/fanout-index';
import { HandlerFixture, IN_PROGRESS, lambdaContext, s3Event, startHandlerFixture } from './fixture';

let fx: HandlerFixture;
beforeAll(async () => {
  fx = await startHandlerFixture();
});
afterAll(() => fx.stop());

const stages = [validate, enrich, index];
const DOC = JSON.stringify({ customer: 'Acme Corp', orders: [{ sku: 'A-1', note: 'express delivery' }] });

async function created(key: string, body: string) {
  const { versionId, size } = await fx.put(key, body);
  return s3Event('Object Created', fx.bucket, key, { versionId, size });
}

async function readJson(key: string): Promise<Record<string, unknown>> {
  const res = await fx.s3.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key }));
  return JSON.parse(await res.Body!.transformToString()) as Record<string, unknown>;
}

async function versionsOf(key: string): Promise<number> {
  const res = await fx.s3.send(new ListObjectVersionsCommand({ Bucket: fx.bucket, Prefix: key }));
  return (res.Versions ?? []).filter((v) => v.Key === key).length;
}

type Stage = (typeof stages)[number];

/**
 * One asynchronous delivery as Lambda makes it: an invocation rejected because another one holds the
 * work in progress is retried after a pause. Under load an SDK retry of a write that had succeeded
 * can make a stage join late and meet the winner mid-publish; that is such a rejection.
 */
async function deliver(h: Stage, event: Parameters<Stage>[0]): Promise<Awaited<ReturnType<Stage>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await h(event, lambdaContext());
    } catch (err) {
      if (attempt >= 3 || !IN_PROGRESS.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

test('three stages in parallel join once: merged document in processed-data/, one notification', async () => {
  const event = await created('raw-data/2026/order.json', DOC);
  const results = await Promise.all(stages.map((h) => deliver(h, event)));
  expect(results.filter((r) => r.aggregated).length).toBeGreaterThanOrEqual(1);
  expect(await versionsOf('processed-data/2026/order.json')).toBe(1);
  const merged = await readJson('processed-data/2026/order.json');
  expect(merged).toMatchObject({
    status: 'processed',
    source: { key: 'raw-data/2026/order.json' },
    validation: { valid: true, kind: 'object' },
    enrichment: { sizeBytes: DOC.length, uploadedBy: '123456789012', sourceIp: '203.0.113.7' },
  });
  expect((merged.index as { terms: string[] }).terms).toEqual(expect.arrayContaining(['acme', 'express']));
  expect((merged.index as { fields: string[] }).fields).toEqual(expect.arrayContaining(['customer', 'orders[].sku']));
  const notes = await fx.drainNotifications();
  expect(notes).toEqual([expect.objectContaining({ event: 'fanout.processed' })]);
});

test('invalid JSON is joined as a rejected document with the reason, never dropped', async () => {
  const event = await created('raw-data/bad.json', '{"unterminated": ');
  for (const h of stages) await h(event, lambdaContext());
  const merged = await readJson('processed-data/bad.json');
  expect(merged).toMatchObject({ status: 'rejected', validation: { valid: false } });
  expect(String((merged.validation as { errors: string[] }).errors[0])).toMatch(/not valid JSON/);
  expect(await fx.drainNotifications()).toEqual([expect.objectContaining({ event: 'fanout.rejected' })]);
});

test('duplicates (sequential, concurrent, idempotency bypassed) change nothing: one output version, one notification', async () => {
  const event = await created('raw-data/dup.json', DOC);
  // Every stage delivered twice at once, and validate a third time.
  const outcomes = await Promise.allSettled([...stages, ...stages, validate].map((h) => h(event, lambdaContext())));
  for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(IN_PROGRESS);
  // Lambda's retry of anything rejected as in progress:
  for (const h of stages) await h(event, lambdaContext());
  await fx.forgetIdempotency();
  for (const h of stages) await h(event, lambdaContext());
  expect(await versionsOf('processed-data/dup.json')).toBe(1);
  expect(await fx.drainNotifications()).toHaveLength(1);
  const join = await fx.kv.list('fanout/');
  const items = [];
  for await (const item of join) if ((item.value as { source?: { key?: string } }).source?.key === 'raw-data/dup.json') items.push(item);
  expect(items).toHaveLength(1);
  expect(items[0]!.value).toMatchObject({ status: 'processed', outputKey: 'processed-data/dup.json' });
});

test('a winner that crashed before aggregating is finished by its retry', async () => {
  const event = await created('raw-data/crash.json', DOC);
  await validate(event, lambdaContext());
  await enrich(event, lambdaContext());
  // Simulate the third stage recording its result and dying before the merge: record through the
  // core join directly (as the crashed invocation did), then deliver the retry.
  const { recordStage } = await import('../../lambda/shared/exactly-once');
  const { objectIdentity, parseS3Event } = await import('../../core/s3-events');
  const outcome = await recordStage(fx.doc, fx.tables.kvstore, objectIdentity(parseS3Event(event)), 'index', { terms: [], fields: [], truncated: false });
  expect(outcome.won).toBe(true);
  expect(await versionsOf('processed-data/crash.json')).toBe(0);
  await expect(index(event, lambdaContext())).resolves.toMatchObject({ recorded: false, aggregated: true });
  expect(await versionsOf('processed-data/crash.json')).toBe(1);
  expect(await fx.drainNotifications()).toHaveLength(1);
});

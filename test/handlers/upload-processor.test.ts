import './quiet';
import { handler } from '../../lambda/upload-processor';
import { HandlerFixture, IN_PROGRESS, lambdaContext, s3Event, startHandlerFixture } from './fixture';

let fx: HandlerFixture;
beforeAll(async () => {
  fx = await startHandlerFixture();
});
afterAll(() => fx.stop());

const CSV = ['id,name,price,active,created', '1,apple,1.5,true,2025-11-01', '2,pear,,false,2025-11-02', '3,apple,3.5,true,2025-11-03', '4,plum,2', '5,apple,0.5,true,2025-11-05'].join('\n');

async function created(key: string, body: string) {
  const { versionId, size } = await fx.put(key, body);
  return s3Event('Object Created', fx.bucket, key, { versionId, size });
}

test('analyses an uploaded CSV over the wire: kvstore analysis/<key> and one SNS summary', async () => {
  const event = await created('uploads/2026/fruit.csv', CSV);
  const result = await handler(event, lambdaContext());
  expect(result).toMatchObject({ status: 'succeeded', rowCount: 4, written: true, published: true });

  const stored = (await fx.kv.get('analysis/uploads/2026/fruit.csv'))?.value as Record<string, unknown>;
  expect(stored).toMatchObject({ status: 'succeeded', rowCount: 4, invalidRowCount: 1, key: 'uploads/2026/fruit.csv' });
  const columns = stored.columns as Array<Record<string, unknown>>;
  expect(columns.map((c) => [c.name, c.type])).toEqual([
    ['id', 'integer'],
    ['name', 'string'],
    ['price', 'number'],
    ['active', 'boolean'],
    ['created', 'date'],
  ]);
  expect(columns[2]).toMatchObject({ nullCount: 1, min: 0.5, max: 3.5, mean: 5.5 / 3 });
  expect((columns[1]!.topValues as Array<{ value: string }>)[0]).toMatchObject({ value: 'apple', count: 3 });
  expect((stored.invalidRowExamples as Array<{ record: number }>)[0]).toMatchObject({ record: 5, reason: 'expected 5 columns, found 3' });

  const notes = await fx.drainNotifications();
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatchObject({ event: 'analysis.completed', body: { key: 'uploads/2026/fruit.csv', rowCount: 4 } });
});

test('unparseable input is a recorded failed analysis with its reason and a failure notification', async () => {
  const event = await created('uploads/broken.csv', 'a,b\n1,"unterminated\n2,3\n');
  expect(await handler(event, lambdaContext())).toMatchObject({ status: 'failed' });
  const stored = (await fx.kv.get('analysis/uploads/broken.csv'))?.value as Record<string, unknown>;
  expect(stored.status).toBe('failed');
  expect(String(stored.reason)).toMatch(/malformed CSV/);
  const notes = await fx.drainNotifications();
  expect(notes).toEqual([expect.objectContaining({ event: 'analysis.failed' })]);

  const empty = await created('uploads/empty.csv', '');
  expect(await handler(empty, lambdaContext())).toMatchObject({ status: 'failed', reason: expect.stringMatching(/no header row/) });
  expect(await fx.drainNotifications()).toHaveLength(1);
});

test('duplicate delivery, sequential and concurrent, and after idempotency is bypassed: one record, one notification', async () => {
  const event = await created('uploads/dup.csv', CSV);
  await handler(event, lambdaContext());
  const first = await fx.kv.get('analysis/uploads/dup.csv');
  // Sequential duplicate: Powertools returns the stored result.
  await expect(handler(event, lambdaContext())).resolves.toMatchObject({ status: 'succeeded', published: true });
  // Crash-after-side-effects: the idempotency record is gone, the handler runs again in full.
  await fx.forgetIdempotency();
  await expect(handler(event, lambdaContext())).resolves.toMatchObject({ written: false, published: false });
  expect(await fx.kv.get('analysis/uploads/dup.csv')).toEqual(first);
  expect(await fx.drainNotifications()).toHaveLength(1);

  // Concurrent first delivery of a new version: one wins; the other is rejected as in progress
  // (Lambda retries it later and then gets the stored result) or finds the work already done.
  const second = await created('uploads/dup.csv', CSV + '\n6,fig,1,true,2025-11-06');
  const outcomes = await Promise.allSettled([handler(second, lambdaContext()), handler(second, lambdaContext())]);
  expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
  for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(IN_PROGRESS);
  expect(await fx.drainNotifications()).toHaveLength(1);
  expect(((await fx.kv.get('analysis/uploads/dup.csv'))?.value as { rowCount: number }).rowCount).toBe(5);

  // A late redelivery of the older version cannot overwrite the newer analysis.
  await fx.forgetIdempotency();
  await handler(event, lambdaContext());
  expect(((await fx.kv.get('analysis/uploads/dup.csv'))?.value as { rowCount: number }).rowCount).toBe(5);
  expect(await fx.drainNotifications()).toHaveLength(0);
});

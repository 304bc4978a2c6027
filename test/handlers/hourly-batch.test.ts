import './quiet';
import { DeleteObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { handler } from '../../lambda/hourly-batch';
import { batchHourFromEvent, previousHour, runHourlyBatch } from '../../lambda/batch/hourly';
import { HandlerFixture, lambdaContext, startHandlerFixture } from './fixture';

let fx: HandlerFixture;
beforeAll(async () => {
  fx = await startHandlerFixture();
});
afterAll(() => fx.stop());

const scheduled = (hour: string, id = `sched-${hour}`) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: '2026-11-25T09:05:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: { hour },
});

async function currentKeys(prefix: string): Promise<string[]> {
  const res = await fx.s3.send(new ListObjectsV2Command({ Bucket: fx.bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

test('the schedule event means the previous hour; an explicit hour is validated', () => {
  expect(batchHourFromEvent({ time: '2026-11-25T09:05:00Z', detail: {} })).toBe('2026-11-25-08');
  expect(previousHour('2026-01-01T00:05:00Z')).toBe('2025-12-31-23');
  expect(batchHourFromEvent({ detail: { hour: '2026-11-25-07' } })).toBe('2026-11-25-07');
  expect(() => batchHourFromEvent({ detail: { hour: '25-11-2026 7h' } })).toThrow(/use YYYY-MM-DD-HH/);
});

test('processes the hour, deletes originals only after their results, writes batch/processed-<hour>', async () => {
  const hour = '2026-11-25-07';
  await fx.put(`uploads/${hour}/a.csv`, 'x,y\n1,2\n3,4\n');
  await fx.put(`uploads/${hour}/b.log`, 'hello\n');
  await fx.put(`uploads/${hour}/bad.csv`, '');
  await fx.put('uploads/2026-11-25-08/later.csv', 'x\n1\n');
  const res = await handler(scheduled(hour), lambdaContext());
  const expected = {
    hour, objects: 3, succeeded: 2, failed: 1, skipped: 0, rows: 2, bytes: 12 + 6,
    notAnalysed: [{ key: `uploads/${hour}/bad.csv`, versionId: expect.any(String), status: 'failed', reason: expect.stringMatching(/empty/i) }],
  };
  expect(res.summary).toEqual(expected);
  expect((await fx.kv.get(`batch/processed-${hour}`))?.value).toEqual(expected);
  // The failed original stays for a person; the next hour is untouched; history is kept.
  expect(await currentKeys(`uploads/${hour}/`)).toEqual([`uploads/${hour}/bad.csv`]);
  expect(await currentKeys('uploads/2026-11-25-08/')).toEqual(['uploads/2026-11-25-08/later.csv']);
  const versions = await fx.s3.send(new ListObjectVersionsCommand({ Bucket: fx.bucket, Prefix: `uploads/${hour}/a.csv` }));
  expect(versions.Versions).toHaveLength(1);
  expect(versions.DeleteMarkers).toHaveLength(1);
});

test('after a crash midway it resumes without counting anything twice; duplicates change nothing', async () => {
  const hour = '2026-11-25-06';
  for (const n of [1, 2, 3, 4]) await fx.put(`uploads/${hour}/f${n}.csv`, `v\n${n}\n`);
  let seen = 0;
  await expect(
    runHourlyBatch(
      {
        s3: fx.s3,
        kv: fx.kv,
        bucket: fx.bucket,
        afterObject: () => {
          if (++seen === 2) throw new Error('simulated crash after the second object');
        },
      },
      hour,
    ),
  ).rejects.toThrow(/simulated crash/);
  expect(await currentKeys(`uploads/${hour}/`)).toHaveLength(2);

  const expected = { hour, objects: 4, succeeded: 4, failed: 0, skipped: 0, rows: 4, bytes: 16, notAnalysed: [] };
  expect((await handler(scheduled(hour), lambdaContext())).summary).toEqual(expected);
  const stored = await fx.kv.get(`batch/processed-${hour}`);
  // Redelivery of the same event (replayed), concurrent duplicates and a bypassed idempotency record:
  const again = await Promise.allSettled([handler(scheduled(hour), lambdaContext()), handler(scheduled(hour), lambdaContext())]);
  for (const o of again) if (o.status === 'fulfilled') expect(o.value.summary).toEqual(expected);
  await fx.forgetIdempotency();
  expect((await handler(scheduled(hour), lambdaContext())).summary).toEqual(expected);
  expect(await fx.kv.get(`batch/processed-${hour}`)).toEqual(stored);
  expect(await currentKeys(`uploads/${hour}/`)).toEqual([]);
});

test('objects it cannot analyse are skipped with the reason, counted, and kept: too large, gone between list and read', async () => {
  const hour = '2026-11-25-05';
  await fx.put(`uploads/${hour}/small.csv`, 'v\n1\n');
  await fx.put(`uploads/${hour}/big.log`, 'x'.repeat(64));
  await fx.put(`uploads/${hour}/vanishing.csv`, 'v\n2\n');
  // The object disappears after the listing and before its HEAD (another process deleted it).
  const s3 = new Proxy(fx.s3, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return async (command: { input: { Key?: string }; constructor: { name: string } }) => {
        if (command.constructor.name === 'HeadObjectCommand' && command.input.Key === `uploads/${hour}/vanishing.csv`) {
          await fx.s3.send(new DeleteObjectCommand({ Bucket: fx.bucket, Key: command.input.Key }));
        }
        return target.send(command as never);
      };
    },
  });
  const summary = await runHourlyBatch({ s3, kv: fx.kv, bucket: fx.bucket, maxObjectBytes: 32 }, hour);
  expect(summary).toMatchObject({ objects: 3, succeeded: 1, failed: 0, skipped: 2, rows: 1, bytes: 4 });
  expect(summary.notAnalysed).toEqual(
    expect.arrayContaining([
      { key: `uploads/${hour}/big.log`, versionId: expect.any(String), status: 'skipped', reason: expect.stringMatching(/64 bytes, over the batch's 32-byte limit/) },
      { key: `uploads/${hour}/vanishing.csv`, versionId: 'gone', status: 'skipped', reason: expect.stringMatching(/gone between the listing and the read/) },
    ]),
  );
  // The skipped big object is not deleted as if processed; the analysed one is.
  expect(await currentKeys(`uploads/${hour}/`)).toEqual([`uploads/${hour}/big.log`]);
  expect((await fx.kv.get(`batch/processed-${hour}`))?.value).toEqual(JSON.parse(JSON.stringify(summary)));
  // A rerun tries skipped objects again (the cause may be gone, e.g. restored): now analysed, counted once, removed.
  const rerun = await runHourlyBatch({ s3: fx.s3, kv: fx.kv, bucket: fx.bucket, maxObjectBytes: 1024 }, hour);
  expect(rerun).toMatchObject({ objects: 3, succeeded: 2, skipped: 1, rows: 1, bytes: 4 + 64 });
  expect(await currentKeys(`uploads/${hour}/`)).toEqual([]);
});

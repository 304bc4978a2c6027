import './quiet';
import { handler as replica } from '../../lambda/replica-processor';
import { handler as audit } from '../../lambda/audit-recorder';
import { queryHistory, recordAuditEvent } from '../../core/audit';
import { digestStream } from '../../lambda/shared/stream-digest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { HandlerFixture, lambdaContext, s3Event, startHandlerFixture } from './fixture';

let fx: HandlerFixture;
beforeAll(async () => {
  // The replica region's view: its own bucket, kvstore and idempotency table.
  fx = await startHandlerFixture('us-west-2');
});
afterAll(() => fx.stop());

test('digestStream counts bytes and lines and hashes in one pass', async () => {
  expect(await digestStream(Readable.from([Buffer.from('a\nb'), Buffer.from('\nc')]))).toEqual({
    sha256: createHash('sha256').update('a\nb\nc').digest('hex'),
    bytes: 5,
    lines: 3,
  });
  expect(await digestStream(Readable.from([]))).toMatchObject({ bytes: 0, lines: 0 });
});

test('pattern 4: a replicated critical/ object is processed into the replica region kvstore, once', async () => {
  const body = '{"db":"backup"}\n';
  const { versionId, size } = await fx.put('critical/db.json', body);
  const event = { ...s3Event('Object Created', fx.bucket, 'critical/db.json', { versionId, size }), region: 'us-west-2' };
  await expect(replica(event, lambdaContext())).resolves.toMatchObject({ status: 'processed', written: true, region: 'us-west-2' });
  const stored = await fx.kv.get('replica/critical/db.json');
  expect(stored?.value).toMatchObject({ status: 'processed', versionId, bytes: body.length, lines: 1, region: 'us-west-2', sha256: createHash('sha256').update(body).digest('hex') });

  await Promise.allSettled([replica(event, lambdaContext()), replica(event, lambdaContext())]);
  await fx.forgetIdempotency();
  await expect(replica(event, lambdaContext())).resolves.toMatchObject({ written: false });
  expect(await fx.kv.get('replica/critical/db.json')).toEqual(stored);
});

test('audit: created and deleted events are recorded with who/what/when, newest first, once each', async () => {
  const key = 'reports/q3.csv';
  const { versionId, size } = await fx.put(key, 'a\n1\n');
  const created = s3Event('Object Created', fx.bucket, key, { versionId, size });
  const deleted = s3Event('Object Deleted', fx.bucket, key, { versionId: 'delete-marker-1' }, { 'deletion-type': 'Delete Marker Created' });
  await audit(created, lambdaContext());
  await audit(deleted, lambdaContext());
  // Duplicates: sequential, concurrent, and with the idempotency records gone.
  await audit(created, lambdaContext());
  await Promise.allSettled([audit(deleted, lambdaContext()), audit(deleted, lambdaContext())]);
  await fx.forgetIdempotency();
  await expect(audit(created, lambdaContext())).resolves.toMatchObject({ recorded: false });

  const history = await queryHistory(fx.doc, fx.tables.audit, key);
  expect(history.map((r) => r.eventType)).toEqual(['Object Deleted', 'Object Created']);
  expect(history[1]).toMatchObject({
    key,
    bucket: fx.bucket,
    versionId,
    size,
    requester: '123456789012',
    sourceIp: '203.0.113.7',
    reason: 'PutObject',
    time: (created as { time: string }).time,
  });
  expect(history[0]).toMatchObject({ deletionType: 'Delete Marker Created' });
  // Retention: expiresAt = event time + AUDIT_RETENTION_DAYS (30 in the fixture).
  expect(history[1]!.expiresAt).toBe(Date.parse((created as { time: string }).time) / 1000 + 30 * 86_400);
  expect(await queryHistory(fx.doc, fx.tables.audit, key, { limit: 1 })).toHaveLength(1);
  expect(await queryHistory(fx.doc, fx.tables.audit, 'never/seen')).toEqual([]);
});

test('audit: events in the same second keep S3 order (sequencer, left-padded as AWS compares it)', async () => {
  const at = '2026-11-25T09:00:00Z';
  const later = { ...s3Event('Object Deleted', fx.bucket, 'same/second', { versionId: 'dm', sequencer: '0A' }), time: at };
  const earlier = { ...s3Event('Object Created', fx.bucket, 'same/second', { versionId: 'zz', sequencer: '9' }), time: at };
  await audit(later, lambdaContext());
  await audit(earlier, lambdaContext());
  const history = await queryHistory(fx.doc, fx.tables.audit, 'same/second');
  expect(history.map((h) => h.eventType)).toEqual(['Object Deleted', 'Object Created']);
});

test('audit: records past their retention are hidden before TTL deletion catches up', async () => {
  await recordAuditEvent(fx.doc, fx.tables.audit, {
    key: 'old/thing',
    bucket: fx.bucket,
    eventType: 'Object Created',
    time: '2020-01-01T00:00:00.000Z',
    region: 'us-west-2',
    eventId: 'e-old',
    expiresAt: 1_600_000_000,
  });
  expect(await queryHistory(fx.doc, fx.tables.audit, 'old/thing')).toEqual([]);
});

test('audit: moto-style events (numeric time, eTag, reused event id) still give distinct, stable records', async () => {
  // moto 5.2.5 sends one constant sequencer for every event.
  const base = s3Event('Object Created', fx.bucket, 'moto/x', { versionId: 'v1', size: 1, sequencer: '617f08299329d189' });
  const motoLike = { ...base, id: '17793124-05d4-b198-2fde-7ededc63b103', time: 1_795_600_000 };
  const second = { ...motoLike, detail: { ...(base.detail as object), object: { key: 'moto/x', 'version-id': 'v2', eTag: 'abc', size: 2, sequencer: '617f08299329d189' } } };
  await audit(motoLike, lambdaContext());
  await audit(second, lambdaContext());
  await audit(second, lambdaContext());
  const history = await queryHistory(fx.doc, fx.tables.audit, 'moto/x');
  expect(history.map((h) => h.versionId)).toEqual(['v2', 'v1']);
  expect(history[0]).toMatchObject({ etag: 'abc', time: new Date(1_795_600_000_000).toISOString() });
});

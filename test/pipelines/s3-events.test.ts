import { eventOrder, identityKey, objectIdentity, paddedSequencer, parseS3Event } from '../../core/s3-events';

const event = (time: string | number, sequencer: string, versionId: string, extra: Record<string, unknown> = {}) =>
  parseS3Event({
    id: 'e',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    time,
    region: 'eu-central-1',
    detail: { bucket: { name: 'bucket-1' }, object: { key: 'k', 'version-id': versionId, sequencer, ...extra } },
  });

test('sequencers of different length compare as AWS says: left-padded hex', () => {
  expect(paddedSequencer('0A') > paddedSequencer('9')).toBe(true);
  expect(paddedSequencer('617f08299329d189')).toBe(paddedSequencer('617F08299329D189'));
});

test('eventOrder: time first, then S3 order within the second; equal for a redelivery', () => {
  const a = event('2026-11-25T09:00:00Z', '9', 'zzz');
  const b = event('2026-11-25T09:00:00Z', '0A', 'aaa');
  expect(eventOrder(b) > eventOrder(a)).toBe(true);
  expect(eventOrder(event('2026-11-25T09:00:01Z', '1', 'a')) > eventOrder(b)).toBe(true);
  expect(eventOrder(a)).toBe(eventOrder(event('2026-11-25T09:00:00Z', '9', 'zzz')));
});

test('moto-shaped events parse: numeric time becomes ISO, eTag becomes etag', () => {
  const e = event(1_795_600_000, '1', 'v', { eTag: 'abc' });
  expect(e.time).toBe(new Date(1_795_600_000_000).toISOString());
  expect(objectIdentity(e)).toMatchObject({ etag: 'abc', versionId: 'v' });
  expect(identityKey(objectIdentity(e))).toBe('bucket-1/k#v');
});

test('a malformed event fails with the path of what is wrong', () => {
  expect(() => parseS3Event({ source: 'aws.s3', detail: {} })).toThrow(/malformed S3 event: .*id/);
});

import './quiet';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { eventOrder, parseS3Event, S3Event } from '../../core/s3-events';
import {
  incrementOnce,
  legacyEventOrder,
  publishOnce,
  PublishInProgressError,
  readJoin,
  recordStage,
  setIfNewer,
} from '../../lambda/shared/exactly-once';
import { HandlerFixture, s3Event, startHandlerFixture } from './fixture';

/**
 * Each protocol of lambda/shared/exactly-once under the two failures at-least-once delivery brings:
 * a Lambda killed between marker and effect (its retry must neither lose nor repeat the effect
 * beyond the documented window), and the same event delivered twice at once. Plus items stored in
 * the shapes the former protocols wrote (read both, write one).
 */
let fx: HandlerFixture;
beforeAll(async () => {
  fx = await startHandlerFixture();
});
afterAll(() => fx.stop());

const itemKey = (key: string) => ({ [KVSTORE_KEY.partitionKey]: key.split('/')[0], [KVSTORE_KEY.sortKey]: key });
const raw = async (key: string) => (await fx.doc.send(new GetCommand({ TableName: fx.tables.kvstore, Key: itemKey(key), ConsistentRead: true }))).Item;
const store = (key: string, attrs: Record<string, unknown>) =>
  fx.doc.send(new PutCommand({ TableName: fx.tables.kvstore, Item: { ...itemKey(key), updatedAt: 'then', ...attrs } }));
const event = (key: string, sequencer: string): S3Event => parseS3Event(s3Event('Object Created', fx.bucket, key, { versionId: `v-${sequencer}`, sequencer }));
const never = () => new Promise<never>(() => undefined);
const settle = <T>(ps: Array<Promise<T>>) => Promise.allSettled(ps);

describe('set-if-newer', () => {
  test('killed after its one conditional write: the retry changes nothing; before it: the retry writes', async () => {
    const e = event('analysis/k1', '0A');
    // Killed before the write: nothing stored, so the retry is a first delivery.
    expect(await fx.kv.get('analysis/k1')).toBeUndefined();
    expect(await setIfNewer(fx.kv, [{ key: 'analysis/k1', value: 1 }], e)).toEqual({ applied: true });
    // Killed right after it: the retry finds its own order and writes nothing.
    expect(await setIfNewer(fx.kv, [{ key: 'analysis/k1', value: 2 }], e)).toEqual({ applied: false });
    expect((await fx.kv.get('analysis/k1'))?.value).toBe(1);
  });

  test('duplicate concurrent delivery: exactly one write applies, all entries or none', async () => {
    const e = event('deployment/x', '0B');
    const entries = [{ key: 'deployment/a', value: 'A' }, { key: 'deployment/b', value: 'B' }];
    const results = await settle(Array.from({ length: 5 }, () => setIfNewer(fx.kv, entries, e)));
    const applied = results.filter((r) => r.status === 'fulfilled' && r.value.applied);
    expect(applied).toHaveLength(1);
    expect([(await fx.kv.get('deployment/a'))?.value, (await fx.kv.get('deployment/b'))?.value]).toEqual(['A', 'B']);
  });

  test('read both, write one: items stored with eventOrder (scenarios) or order (patterns) keep guarding', async () => {
    const older = event('dataset/v1', '10');
    const stored = event('dataset/v1', '20');
    const newer = event('dataset/v1', '30');
    await store('dataset/v1', { value: 'stored', eventOrder: legacyEventOrder(stored) });
    expect(await setIfNewer(fx.kv, [{ key: 'dataset/v1', value: 'older' }], older)).toEqual({ applied: false });
    expect(await setIfNewer(fx.kv, [{ key: 'dataset/v1', value: 'again' }], stored)).toEqual({ applied: false });
    expect((await fx.kv.get('dataset/v1'))?.value).toBe('stored');
    expect(await setIfNewer(fx.kv, [{ key: 'dataset/v1', value: 'newer' }], newer)).toEqual({ applied: true });
    const item = await raw('dataset/v1');
    expect(item).toMatchObject({ value: 'newer', order: expect.any(String) });
    expect(item).not.toHaveProperty('eventOrder');
    // And once rewritten, a late older event is still refused (compared in the new format).
    expect(await setIfNewer(fx.kv, [{ key: 'dataset/v1', value: 'late' }], stored)).toEqual({ applied: false });
    // Pattern results already stored `order` in core/s3-events.ts's format: the same attribute, the same guard.
    await store('analysis/k2', { value: 'stored', order: eventOrder(stored) });
    expect(await setIfNewer(fx.kv, [{ key: 'analysis/k2', value: 'older' }], older)).toEqual({ applied: false });
    expect(await setIfNewer(fx.kv, [{ key: 'analysis/k2', value: 'newer' }], newer)).toEqual({ applied: true });
  });
});

describe('increment-once', () => {
  test('killed inside the transaction: marker and effect fail together, so the retry applies once', async () => {
    await fx.kv.set('counter/c1', 'not a number');
    // The effect fails (ADD on a string): the marker is not written either.
    await expect(incrementOnce(fx.kv, 'counter/c1', 1, 'evt-1')).rejects.toThrow();
    await fx.kv.set('counter/c1', 0);
    expect(await incrementOnce(fx.kv, 'counter/c1', 1, 'evt-1')).toEqual({ applied: true });
    // Killed after the commit: the retry finds the marker.
    expect(await incrementOnce(fx.kv, 'counter/c1', 1, 'evt-1')).toEqual({ applied: false });
    expect((await fx.kv.get('counter/c1'))?.value).toBe(1);
  });

  test('duplicate concurrent delivery: one increment', async () => {
    const results = await settle(Array.from({ length: 5 }, () => incrementOnce(fx.kv, 'counter/c2', 1, 'evt-1')));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.applied)).toHaveLength(1);
    expect((await fx.kv.get('counter/c2'))?.value).toBe(1);
  });
});

describe('publish-once', () => {
  test('killed between claim and publish: nothing was sent; the retry sends once the lease lapses', async () => {
    const sent: string[] = [];
    void publishOnce(fx.kv, 'notified/p1', { owner: 'evt', leaseMs: 200 }, never);
    await new Promise((r) => setTimeout(r, 100));
    await expect(publishOnce(fx.kv, 'notified/p1', { owner: 'evt', leaseMs: 200 }, async () => void sent.push('x'))).rejects.toBeInstanceOf(PublishInProgressError);
    await new Promise((r) => setTimeout(r, 150));
    expect(await publishOnce(fx.kv, 'notified/p1', { owner: 'evt' }, async () => void sent.push('x'))).toBe('published');
    expect(sent).toEqual(['x']);
    expect((await fx.kv.get('notified/p1'))?.value).toMatchObject({ owner: 'evt', notified: true });
  });

  test('killed between publish and mark: the retry sends again once (the dedupId window), then never', async () => {
    const sent: string[] = [];
    void publishOnce(fx.kv, 'notified/p2', { owner: 'evt', leaseMs: 100 }, async () => {
      sent.push('first');
      return never();
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await publishOnce(fx.kv, 'notified/p2', { owner: 'evt' }, async () => void sent.push('retry'))).toBe('published');
    expect(await publishOnce(fx.kv, 'notified/p2', { owner: 'evt' }, async () => void sent.push('late'))).toBe('already-notified');
    expect(sent).toEqual(['first', 'retry']);
  });

  test('an effect that throws releases the claim to its owner; other owners wait', async () => {
    await expect(publishOnce(fx.kv, 'alert/p3', { owner: 'run-1', record: { hour: 'h' } }, () => Promise.reject(new Error('SNS down')))).rejects.toThrow('SNS down');
    expect((await fx.kv.get('alert/p3'))?.value).toEqual({ hour: 'h', owner: 'run-1', notified: false });
    expect(await publishOnce(fx.kv, 'alert/p3', { owner: 'run-2' }, async () => undefined)).toBe('claimed-by-other');
    expect(await publishOnce(fx.kv, 'alert/p3', { owner: 'run-1', record: { hour: 'h' } }, async () => 'msg-1')).toBe('published');
    expect((await fx.kv.get('alert/p3'))?.value).toMatchObject({ hour: 'h', owner: 'run-1', notified: true, messageId: 'msg-1' });
  });

  test('duplicate concurrent delivery: one publish', async () => {
    let sends = 0;
    const results = await settle(Array.from({ length: 5 }, () => publishOnce(fx.kv, 'notified/p4', { owner: 'evt' }, async () => void sends++)));
    expect(sends).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value === 'published')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PublishInProgressError);
  });

  test('read both, write one: records and markers in the former shapes', async () => {
    const sent: string[] = [];
    const send = (tag: string) => async () => void sent.push(tag);
    // The scenario notifyOnce record: {…record, owner, notified}.
    await store('alert/old-done', { value: { hour: 'h', owner: 'run-1', notified: true } });
    expect(await publishOnce(fx.kv, 'alert/old-done', { owner: 'run-1' }, send('a'))).toBe('already-notified');
    await store('alert/old-claimed', { value: { hour: 'h', owner: 'run-1', notified: false } });
    expect(await publishOnce(fx.kv, 'alert/old-claimed', { owner: 'run-2' }, send('b'))).toBe('claimed-by-other');
    expect(await publishOnce(fx.kv, 'alert/old-claimed', { owner: 'run-1' }, send('c'))).toBe('published');
    // The pattern publishOnce marker: value.state, a top-level owner and lease.
    await store('notified/old-done', { value: { state: 'published' }, owner: 'x' });
    expect(await publishOnce(fx.kv, 'notified/old-done', { owner: 'evt' }, send('d'))).toBe('already-notified');
    await store('notified/old-live', { value: { state: 'publishing' }, owner: 'x', leaseUntil: Date.now() + 60_000 });
    await expect(publishOnce(fx.kv, 'notified/old-live', { owner: 'evt' }, send('e'))).rejects.toBeInstanceOf(PublishInProgressError);
    await store('notified/old-lapsed', { value: { state: 'publishing' }, owner: 'x', leaseUntil: Date.now() - 1 });
    expect(await publishOnce(fx.kv, 'notified/old-lapsed', { owner: 'evt' }, send('f'))).toBe('published');
    const item = await raw('notified/old-lapsed');
    expect(item?.value).toMatchObject({ owner: 'evt', notified: true });
    expect(item?.value).not.toHaveProperty('state');
    expect(item).not.toHaveProperty('owner');
    expect(sent).toEqual(['c', 'f']);
  });
});

describe('merge-once', () => {
  const id = { bucket: 'b', key: 'raw-data/m.json', versionId: 'v1' };
  test('duplicate concurrent delivery of every stage: each counts once, exactly one winner', async () => {
    const deliveries = (['validate', 'enrich', 'index'] as const).flatMap((s) => [s, s, s]).map((s) => recordStage(fx.doc, fx.tables.kvstore, id, s, { stage: s }));
    const outcomes = await Promise.all(deliveries);
    expect(outcomes.filter((o) => o.recorded)).toHaveLength(3);
    expect(outcomes.filter((o) => o.won)).toHaveLength(1);
    expect((await readJoin(fx.doc, fx.tables.kvstore, id)).completed).toBe(3);
  });

  test('winner killed before merging: its retry sees the set complete and merges (under publish-once)', async () => {
    const retry = await recordStage(fx.doc, fx.tables.kvstore, id, 'index', { stage: 'index' });
    expect(retry).toMatchObject({ recorded: false, won: false, state: { completed: 3 } });
    let merges = 0;
    const merge = () => publishOnce(fx.kv, 'notified/merge-m', { owner: 'b/raw-data/m.json#v1' }, async () => void merges++);
    expect(await merge()).toBe('published');
    expect(await merge()).toBe('already-notified');
    expect(merges).toBe(1);
  });
});

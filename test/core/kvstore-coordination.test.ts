import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXIT } from '../../cli/shared/cli-errors';
import { InvalidKeyError, KvStore, NotANumberError, ValueTooLargeError } from '../../core/kvstore';
import { KvLock, LockHeldError, StaleTokenError } from '../../cli/kvstore/kvstore-lock';
import { KvQueue } from '../../cli/kvstore/kvstore-queue';
import { itemSize, MAX_ITEM_BYTES } from '../../core/kvstore-size';
import { toKvCliError } from '../../cli/kvstore/errors';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';
import { createKvTable } from './kvstore-fixture';

let moto: MotoServer;
let kv: KvStore;
let locks: KvLock;
let queues: KvQueue;

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, awsEnvFor(moto.endpoint));
  kv = await createKvTable(moto.endpoint, 'kv-coord');
  locks = new KvLock(kv);
  queues = new KvQueue(kv);
});
afterAll(() => moto.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('item size', () => {
  test('follows the documented DynamoDB rules', () => {
    expect(itemSize({ pk: 'a', value: 'xyz' })).toBe(2 + 1 + 5 + 3);
    expect(itemSize({ n: 123 })).toBe(1 + 3);
    expect(itemSize({ n: 1000 })).toBe(1 + 2);
    expect(itemSize({ m: { a: 1 } })).toBe(1 + 3 + 1 + 1 + 2);
    expect(itemSize({ l: [1, 'ab'] })).toBe(1 + 3 + 3 + 3);
    expect(itemSize({ s: 'é' })).toBe(1 + 2);
  });

  test('an oversized value is refused before any request, and the service rejection maps the same way', async () => {
    const big = 'x'.repeat(MAX_ITEM_BYTES);
    await expect(kv.set('big/one', big)).rejects.toBeInstanceOf(ValueTooLargeError);
    await expect(kv.setOnce('big/one', big, 't1')).rejects.toBeInstanceOf(ValueTooLargeError);
    await expect(queues.push('big/q', big)).rejects.toBeInstanceOf(ValueTooLargeError);
    expect(await kv.get('big/one')).toBeUndefined();
    // The queue took no sequence number for the refused push: the next push is #1.
    expect((await queues.push('big/q', 'small')).seq).toBe(1);

    // The emulator's own limit (405,000 B) is below AWS's 409,600: a real ValidationException from the wire.
    const rejected = await kv.doc
      .send(new PutCommand({ TableName: kv.tableName, Item: { pk: 'big', sk: 'big/two', value: 'y'.repeat(406_000) } }))
      .then(() => undefined, (err: unknown) => err);
    const mapped = toKvCliError(rejected, { key: 'big/two', bucketName: 'blob-dev-bucket' });
    expect(mapped.exitCode).toBe(EXIT.CONFLICT);
    expect(mapped.line('kvstore')).toMatch(/limited to 400 KB.*blob put - s3:\/\/blob-dev-bucket\/kvstore\/big\/two/);
  });
});

describe('counters', () => {
  test('20 concurrent increments of an expired counter restart it exactly once and lose nothing', async () => {
    await kv.set('c/expired', 500, { ttlSeconds: -5 });
    await Promise.all(Array.from({ length: 20 }, () => kv.increment('c/expired')));
    expect((await kv.get('c/expired'))?.value).toBe(20);
  });

  test('a live counter keeps its expiry; --ttl sets a new one', async () => {
    await kv.set('c/ttl', 1, { ttlSeconds: 3600 });
    const before = (await kv.get('c/ttl'))?.expiresAt;
    expect(await kv.increment('c/ttl', 2)).toBe(3);
    expect((await kv.get('c/ttl'))?.expiresAt).toBe(before);
    await kv.increment('c/ttl', 1, { ttlSeconds: 7200 });
    expect((await kv.get('c/ttl'))?.expiresAt).toBeGreaterThan(before! + 3000);
  });

  test('a string holding an integer becomes a counter; other values are refused', async () => {
    await kv.set('c/str', '41');
    expect(await kv.increment('c/str')).toBe(42);
    await kv.set('c/text', 'abc');
    await expect(kv.increment('c/text')).rejects.toBeInstanceOf(NotANumberError);
    await kv.set('c/obj', { a: 1 });
    await expect(kv.increment('c/obj', -1)).rejects.toThrow('"c/obj" holds an object, not a number');
    expect((await kv.get('c/text'))?.value).toBe('abc');
  });
});

describe('keys', () => {
  test("reserved and malformed keys are refused; internal items never show up in list", async () => {
    for (const bad of ['', '/abs', '~x', 'a\nb']) await expect(kv.get(bad)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(locks.acquire('jobs/x~y', { leaseSeconds: 1, owner: 't' })).rejects.toBeInstanceOf(InvalidKeyError);
    await kv.set('jobs/visible', 1);
    await queues.push('jobs/q', 'item');
    await locks.acquire('jobs/l', { leaseSeconds: 30, owner: 't' });
    const keys: string[] = [];
    for await (const it of kv.list('jobs')) keys.push(it.key);
    expect(keys).toEqual(['jobs/visible']);
  });
});

describe('locks', () => {
  test('mutual exclusion, takeover after the lease, increasing fencing tokens, stale tokens refused', async () => {
    const first = await locks.acquire('deploy/prod', { leaseSeconds: 0.3, owner: 'a' });
    const held = await locks.acquire('deploy/prod', { leaseSeconds: 30, owner: 'b' }).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(LockHeldError);
    expect((held as LockHeldError).state).toMatchObject({ held: true, owner: 'a', token: first.token });

    await sleep(350);
    // The expired lease reads as free: b takes over with a larger token.
    const second = await locks.acquire('deploy/prod', { leaseSeconds: 30, owner: 'b' });
    expect(second.token).toBeGreaterThan(first.token);
    await expect(locks.release('deploy/prod', first.token)).rejects.toBeInstanceOf(StaleTokenError);
    await expect(locks.renew('deploy/prod', first.token, 30)).rejects.toBeInstanceOf(StaleTokenError);
    expect((await locks.renew('deploy/prod', second.token, 60)).leaseUntil.getTime()).toBeGreaterThan(second.leaseUntil.getTime());

    expect(await locks.release('deploy/prod', second.token)).toEqual({ released: true });
    // A retried release (duplicate delivery) is harmless; the token counter survives release.
    expect(await locks.release('deploy/prod', second.token)).toEqual({ released: false });
    expect((await locks.acquire('deploy/prod', { leaseSeconds: 30, owner: 'c' })).token).toBe(second.token + 1);
  });

  test('of 8 concurrent acquirers exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => locks.acquire('race/one', { leaseSeconds: 30, owner: `w${i}` })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LockHeldError)).toHaveLength(7);
  });

  test('acquireWaiting gets the lock once the holder releases it', async () => {
    const held = await locks.acquire('wait/one', { leaseSeconds: 30, owner: 'a' });
    const waiting = locks.acquireWaiting('wait/one', { leaseSeconds: 30, owner: 'b', waitSeconds: 5 });
    await sleep(300);
    await locks.release('wait/one', held.token);
    expect((await waiting).token).toBe(held.token + 1);
    await expect(locks.acquireWaiting('wait/one', { leaseSeconds: 30, owner: 'c', waitSeconds: 0.3 })).rejects.toBeInstanceOf(LockHeldError);
  });
});

describe('queues', () => {
  test('FIFO, skipping expired items and numbers whose producer never wrote its item', async () => {
    await queues.push('q/fifo', 'a');
    await queues.push('q/fifo', 'expired', { ttlSeconds: -5 });
    // A producer that took number 3 and died before writing it leaves a gap.
    await kv.doc.send(
      new UpdateCommand({ TableName: kv.tableName, Key: { pk: 'q', sk: '~queue~q/fifo' }, UpdateExpression: 'ADD tail :one', ExpressionAttributeValues: { ':one': 1 } }),
    );
    await queues.push('q/fifo', { b: 2 });
    expect((await queues.pop('q/fifo'))?.value).toBe('a');
    const second = await queues.pop('q/fifo');
    expect(second).toMatchObject({ seq: 4, value: { b: 2 } });
    expect(await queues.pop('q/fifo')).toBeUndefined();
    // The expired item is still stored (moto never deletes it), yet it was never handed out.
    const raw = await kv.doc.send(new QueryCommand({ TableName: kv.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'q' } }));
    expect(raw.Items?.filter((i) => i.value === 'expired')).toHaveLength(1);
  });

  test('a push with a once-token is enqueued once however often it is delivered', async () => {
    const pushes = await Promise.all(Array.from({ length: 4 }, () => queues.push('q/once', 'evt', { onceToken: 'bucket/key#v1' })));
    expect(pushes.filter((p) => !p.duplicate)).toHaveLength(1);
    // The same token for a plain key's incrementOnce is a different scope and still applies.
    expect((await kv.incrementOnce('q/once', 1, 'bucket/key#v1')).applied).toBe(true);
    expect((await queues.pop('q/once'))?.value).toBe('evt');
    expect(await queues.pop('q/once')).toBeUndefined();
  });

  test('5 concurrent consumers draining 40 items never share one', async () => {
    for (let i = 0; i < 40; i++) await queues.push('q/many', i);
    const consumer = async (): Promise<number[]> => {
      const got: number[] = [];
      for (let item = await queues.pop('q/many'); item; item = await queues.pop('q/many')) got.push(item.value as number);
      return got;
    };
    const all = (await Promise.all(Array.from({ length: 5 }, consumer))).flat();
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

import { KvStore } from '../../core/kvstore';
import { createKvTable } from './kvstore-fixture';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';

let moto: MotoServer;
let kv: KvStore;

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, awsEnvFor(moto.endpoint));
  kv = await createKvTable(moto.endpoint, 'kv');
});
afterAll(() => moto.stop());

test('seed: kvstore inc deployment/total-deploys is atomic and returns the new value', async () => {
  expect(await kv.increment('deployment/total-deploys')).toBe(1);
  expect(await kv.increment('deployment/total-deploys')).toBe(2);
});

test('at-least-once: incrementOnce applies a token once however often it is delivered', async () => {
  expect((await kv.incrementOnce('alert/error-spike', 1, 'evt-1')).applied).toBe(true);
  expect((await kv.incrementOnce('alert/error-spike', 1, 'evt-1')).applied).toBe(false);
  expect((await kv.incrementOnce('alert/error-spike', 1, 'evt-2')).applied).toBe(true);
  expect((await kv.get('alert/error-spike'))?.value).toBe(2);
});

test('list by prefix returns the namespace keys and hides dedupe markers and expired items', async () => {
  await kv.set('deployment/latest-version', 'v1.0.0');
  await kv.set('deployment/old', 'x', { ttlSeconds: -10 });
  const keys: string[] = [];
  for await (const item of kv.list('deployment/')) keys.push(item.key);
  expect(keys.sort()).toEqual(['deployment/latest-version', 'deployment/total-deploys']);
  expect(await kv.get('deployment/old')).toBeUndefined();
});

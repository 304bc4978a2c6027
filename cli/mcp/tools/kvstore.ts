import { hostname } from 'node:os';
import { z } from 'zod';
import { CliError, EXIT } from '../../shared/cli-errors';
import { parseDuration } from '../../shared/duration';
import type { KvValue } from '../../../core/kvstore';
import { itemJson } from '../../kvstore/commands/values';
import { KvLock } from '../../kvstore/kvstore-lock';
import { KvQueue } from '../../kvstore/kvstore-queue';
import { defineTool, READ, Tool, WRITE, WRITE_IDEMPOTENT } from '../tool';
import { kvKey } from './fields';

/**
 * kvstore as tools: values, counters, leased locks and FIFO queues in the environment's table,
 * through the same KvStore / KvLock / KvQueue the `kvstore` CLI uses.
 */

const jsonValue: z.ZodType<KvValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
const ttl = z.string().optional().describe('expire after 30s, 10m, 24h, 7d (or seconds); expired values read as absent');
const ttlSeconds = (t: string | undefined): number | undefined => (t === undefined ? undefined : parseDuration(t, 'ttl'));
const lockName = z.string().min(1).describe('lock name, e.g. "deploy/prod"');
const queueName = z.string().min(1).describe('queue name, e.g. "jobs/resize"');
const itemOut = z.object({ key: z.string(), value: z.unknown(), updated_at: z.string(), expires_at: z.string().optional() });

export const kvGetTool: Tool = defineTool({
  name: 'kv_get',
  title: 'Read a kvstore value',
  description: 'The value stored under a "namespace/name" key (as `kvstore get`). Absent or expired: exit NOT_FOUND.',
  family: 'kvstore',
  input: z.object({ key: kvKey }),
  output: itemOut,
  annotations: READ,
  subject: (a) => a.key,
  async run(a, { kv, scope }) {
    scope.checkKv(a.key);
    const item = await (await kv.open()).store.get(a.key);
    if (!item) throw new CliError(`no value for "${a.key}"`, EXIT.NOT_FOUND, 'it was never set, was deleted, or expired');
    return itemJson(item) as z.input<typeof itemOut>;
  },
});

export const kvSetTool: Tool = defineTool({
  name: 'kv_set',
  title: 'Store a kvstore value',
  description: 'Store any JSON value (string, number, object, list) under "namespace/name" (as `kvstore set`), optionally expiring. Values are limited to ~400 KB; store larger data as an object with put and keep its key here.',
  family: 'kvstore',
  input: z.object({ key: kvKey, value: jsonValue.describe('any JSON value'), ttl }),
  output: z.object({ key: z.string(), updated_at: z.string(), expires_at: z.string().optional() }),
  annotations: WRITE_IDEMPOTENT,
  subject: (a) => a.key,
  async run(a, { kv, scope }) {
    scope.checkKv(a.key);
    const seconds = ttlSeconds(a.ttl);
    const item = await (await kv.open()).store.set(a.key, a.value, { ttlSeconds: seconds });
    const { key, updated_at, expires_at } = itemJson(item);
    return { key: String(key), updated_at: String(updated_at), ...(expires_at !== undefined ? { expires_at: String(expires_at) } : {}) };
  },
});

export const kvIncTool: Tool = defineTool({
  name: 'kv_inc',
  title: 'Increment a counter',
  description: 'Add by (default 1, negative to decrement) to a counter atomically and return the new value (as `kvstore inc`); absent counts as 0. With once, a repeated call with the same token counts once.',
  family: 'kvstore',
  input: z.object({
    key: kvKey,
    by: z.number().int().default(1),
    once: z.string().min(1).optional().describe('apply at most once per token, e.g. the id of the event being counted'),
  }),
  output: z.object({ key: z.string(), value: z.unknown(), applied: z.boolean() }),
  annotations: WRITE,
  subject: (a) => a.key,
  async run(a, { kv, scope }) {
    scope.checkKv(a.key);
    const { store } = await kv.open();
    if (a.once === undefined) return { key: a.key, value: await store.increment(a.key, a.by), applied: true };
    const { applied } = await store.incrementOnce(a.key, a.by, a.once);
    return { key: a.key, value: (await store.get(a.key))?.value ?? null, applied };
  },
});

const grantOut = z.object({ lock: z.string(), token: z.number(), owner: z.string(), lease_until: z.string() });

export const lockTool: Tool = defineTool({
  name: 'lock',
  title: 'Acquire a leased lock',
  description:
    'Take a named lock for lease (default 30s) and get its fencing token (as `kvstore lock acquire`). Held by someone else: exit CONFLICT. Release it with unlock and the token; an expired lease frees it by itself.',
  family: 'kvstore',
  input: z.object({ name: lockName, lease: z.string().default('30s').describe('30s, 10m, 1h'), owner: z.string().optional().describe('shown to others (default mcp:host:pid)') }),
  output: grantOut,
  annotations: WRITE,
  subject: (a) => a.name,
  async run(a, { kv, scope }) {
    scope.checkKv(a.name);
    const leaseSeconds = parseDuration(a.lease, 'lease');
    const g = await new KvLock((await kv.open()).store).acquire(a.name, { leaseSeconds, owner: a.owner ?? `mcp:${hostname()}:${process.pid}` });
    return { lock: g.name, token: g.token, owner: g.owner, lease_until: g.leaseUntil.toISOString() };
  },
});

export const unlockTool: Tool = defineTool({
  name: 'unlock',
  title: 'Release a lock',
  description: 'Release a lock the token still holds (as `kvstore lock release`); repeating is harmless. If the lease ran out and another holder took it: exit CONFLICT.',
  family: 'kvstore',
  input: z.object({ name: lockName, token: z.number().int().describe('the token lock returned') }),
  output: z.object({ lock: z.string(), token: z.number(), released: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  subject: (a) => a.name,
  async run(a, { kv, scope }) {
    scope.checkKv(a.name);
    const { released } = await new KvLock((await kv.open()).store).release(a.name, a.token);
    return { lock: a.name, token: a.token, released };
  },
});

export const queuePushTool: Tool = defineTool({
  name: 'queue_push',
  title: 'Push onto a queue',
  description: 'Append a JSON value to a FIFO queue (as `kvstore queue push`) and get its sequence number; each item is popped by exactly one consumer. With once, a repeated push with the same token adds nothing.',
  family: 'kvstore',
  input: z.object({ queue: queueName, value: jsonValue, once: z.string().min(1).optional(), ttl }),
  output: z.object({ queue: z.string(), seq: z.number().optional(), pushed_at: z.string().optional(), duplicate: z.boolean() }),
  annotations: WRITE,
  subject: (a) => a.queue,
  async run(a, { kv, scope }) {
    scope.checkKv(a.queue);
    const seconds = ttlSeconds(a.ttl);
    const item = await new KvQueue((await kv.open()).store).push(a.queue, a.value, { ttlSeconds: seconds, ...(a.once ? { onceToken: a.once } : {}) });
    return item.duplicate ? { queue: item.queue, duplicate: true } : { queue: item.queue, seq: item.seq, pushed_at: item.pushedAt, duplicate: false };
  },
});

export const queuePopTool: Tool = defineTool({
  name: 'queue_pop',
  title: 'Pop from a queue',
  description: 'Remove and return the oldest item of a queue (as `kvstore queue pop`). Empty: exit CONFLICT; try again later.',
  family: 'kvstore',
  input: z.object({ queue: queueName }),
  output: z.object({ queue: z.string(), seq: z.number(), value: z.unknown(), pushed_at: z.string() }),
  annotations: WRITE,
  subject: (a) => a.queue,
  async run(a, { kv, scope }) {
    scope.checkKv(a.queue);
    const item = await new KvQueue((await kv.open()).store).pop(a.queue);
    if (!item) throw new CliError(`queue "${a.queue}" is empty`, EXIT.CONFLICT, 'push to it first, or call again later');
    return { queue: item.queue, seq: item.seq, value: item.value, pushed_at: item.pushedAt };
  },
});

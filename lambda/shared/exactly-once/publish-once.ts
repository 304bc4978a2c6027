import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KVSTORE_KEY } from '../../../core/kvstore-key';
import { KvStore, KvValue, assertItemFits, namespaceOf } from '../../../core/kvstore';

/**
 * publish-once: an effect outside DynamoDB (an SNS publish, S3 writes) run once per record key with
 * claim → effect → mark. The record is an outbox entry that stays as the audit of what was done:
 * value = {...record, owner, notified}.
 *
 * 1. claim: conditional put {notified: false, owner} + `claim` (this attempt) + `leaseUntil`. It
 *    succeeds on a new key; on an unfinished record whose lease lapsed (its holder was killed);
 *    or on an unfinished record of the same owner (the same event or run) that no attempt holds.
 * 2. the effect. If it throws, the attempt releases its claim (the owner's retry runs it at once;
 *    other owners wait for the lease) and rethrows.
 * 3. mark: notified = true, claim and lease removed (conditional on still holding the claim).
 *
 * Killed between 1 and 2: nothing was sent; the lease lapses and the retry sends (never lost).
 * Killed between 2 and 3: the retry sends again once the lease lapses, the one window in which a
 * repeat is possible (messages carry the record key as dedupId so consumers can drop it).
 * A concurrent duplicate sees a live claim: PublishInProgressError (the delivery is retried) for
 * the same owner, 'claimed-by-other' for another owner (whose own delivery finishes the work).
 *
 * Read both, write one: markers of the pattern handlers' former publishOnce hold
 * value = {state: 'publishing' | 'published'} and a top-level `owner`; 'published' reads as done, a
 * 'publishing' one is taken over when its lease lapses, and the next claim replaces the item.
 */
/** Pure markers (no fact of their own) outlive every redelivery: EventBridge retries 24 h, the DLQ keeps 14 days. */
export const NOTIFIED_MARKER_TTL_SECONDS = 30 * 86_400;

export type OnceOutcome = 'published' | 'already-notified' | 'claimed-by-other';

export class PublishInProgressError extends Error {
  constructor(recordKey: string) {
    super(`another invocation is publishing ${recordKey}; this delivery is retried and then finds it published`);
    this.name = 'PublishInProgressError';
  }
}

export interface PublishOnceOptions {
  /** Who may take an unfinished record over at once: the event's identity or the run's id. */
  readonly owner: string;
  /** What the record says besides its state (the announced fact). */
  readonly record?: { [k: string]: KvValue };
  /** How long a claim blocks others; longer than claim-to-mark takes. */
  readonly leaseMs?: number;
  /** Records outlive every redelivery (EventBridge retries for 24 h, the DLQ keeps 14 days); 0 = forever. */
  readonly ttlSeconds?: number;
}

const isConditionFailure = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';
const itemKey = (key: string) => ({ [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key });

const CLAIMABLE =
  'attribute_not_exists(#sk) OR ((#value.#notified = :false OR #value.#state = :publishing) AND ' +
  '(#lease < :now OR (#value.#owner = :owner AND attribute_not_exists(#claim))))';

export async function publishOnce(
  kv: KvStore,
  recordKey: string,
  options: PublishOnceOptions,
  effect: () => Promise<string | undefined | void>,
): Promise<OnceOutcome> {
  const { owner, record = {}, leaseMs = 60_000, ttlSeconds = 0 } = options;
  const claim = randomUUID();
  const now = Date.now();
  const item = {
    ...itemKey(recordKey),
    value: { ...record, owner, notified: false },
    claim,
    leaseUntil: now + leaseMs,
    updatedAt: new Date(now).toISOString(),
    ...(ttlSeconds ? { [KVSTORE_KEY.ttlAttribute]: Math.floor(now / 1000) + ttlSeconds } : {}),
  };
  assertItemFits(recordKey, item);
  try {
    await kv.doc.send(
      new PutCommand({
        TableName: kv.tableName,
        Item: item,
        ConditionExpression: CLAIMABLE,
        ExpressionAttributeNames: {
          '#sk': KVSTORE_KEY.sortKey, '#value': 'value', '#notified': 'notified', '#state': 'state',
          '#lease': 'leaseUntil', '#owner': 'owner', '#claim': 'claim',
        },
        ExpressionAttributeValues: { ':false': false, ':publishing': 'publishing', ':now': now, ':owner': owner },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const existing = await kv.doc.send(new GetCommand({ TableName: kv.tableName, Key: itemKey(recordKey), ConsistentRead: true }));
    const value = (existing.Item?.value ?? {}) as { notified?: boolean; state?: string; owner?: string };
    if (value.notified === true || value.state === 'published') return 'already-notified';
    if (value.owner !== undefined && value.owner !== owner) return 'claimed-by-other';
    throw new PublishInProgressError(recordKey);
  }
  const mine = { ':claim': claim };
  let result: string | undefined | void;
  try {
    result = await effect();
  } catch (err) {
    // Released to the owner's retry; the lease keeps other owners out until it lapses.
    await kv.doc
      .send(new UpdateCommand({ TableName: kv.tableName, Key: itemKey(recordKey), UpdateExpression: 'REMOVE #claim', ConditionExpression: '#claim = :claim', ExpressionAttributeNames: { '#claim': 'claim' }, ExpressionAttributeValues: mine }))
      .catch(() => undefined);
    throw err;
  }
  await kv.doc
    .send(
      new UpdateCommand({
        TableName: kv.tableName,
        Key: itemKey(recordKey),
        UpdateExpression: 'SET #value = :v, updatedAt = :at REMOVE #lease, #claim',
        ConditionExpression: '#claim = :claim',
        ExpressionAttributeNames: { '#value': 'value', '#lease': 'leaseUntil', '#claim': 'claim' },
        ExpressionAttributeValues: {
          ...mine,
          ':v': { ...record, owner, notified: true, notifiedAt: new Date().toISOString(), ...(typeof result === 'string' ? { messageId: result } : {}) },
          ':at': new Date().toISOString(),
        },
      }),
    )
    .catch((err: unknown) => {
      // Our lease lapsed and another attempt re-claimed: it marks; we already sent.
      if (!isConditionFailure(err)) throw err;
    });
  return 'published';
}

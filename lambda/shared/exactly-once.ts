import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { KvValue, namespaceOf } from '../../core/kvstore';

/**
 * Side effects that must happen once per object version even when the whole handler runs twice
 * (duplicate delivery, or a retry after a crash, which Powertools idempotency does not prevent
 * because it deletes its in-progress record when the handler fails). Items use the kvstore layout
 * (pk = namespace, sk = key, value) so `kvstore get` shows them.
 */

const MAX_KEY_BYTES = 1000;

/**
 * A kvstore key built from parts; an S3 key may be 1024 bytes and a DynamoDB sort key may not
 * exceed 1024, so over-long keys keep a readable head and end in a hash of the whole.
 */
export function onceKey(namespace: string, ...parts: string[]): string {
  const key = `${namespace}/${parts.join('/')}`;
  if (Buffer.byteLength(key) <= MAX_KEY_BYTES) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${Buffer.from(key).subarray(0, MAX_KEY_BYTES - 70).toString('utf8').replace(/\uFFFD+$/, '')}…${hash}`;
}

function itemKey(key: string): Record<string, string> {
  return { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key };
}

const isConditionFailure = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

/**
 * Writes `value` unless the item already holds a result of the same or a later `order` (for
 * example `<event time>#<version-id>`): a duplicate writes nothing, and a late redelivery of an
 * older version cannot overwrite a newer result.
 */
export async function putIfNewer(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  value: KvValue,
  order: string,
): Promise<{ written: boolean }> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...itemKey(key), value, order, updatedAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(#sk) OR attribute_not_exists(#order) OR #order < :order',
        ExpressionAttributeNames: { '#sk': KVSTORE_KEY.sortKey, '#order': 'order' },
        ExpressionAttributeValues: { ':order': order },
      }),
    );
    return { written: true };
  } catch (err) {
    if (isConditionFailure(err)) return { written: false };
    throw err;
  }
}

export class PublishInProgressError extends Error {
  constructor(markerKey: string) {
    super(`another invocation is publishing ${markerKey}; this delivery is retried and then finds it published`);
    this.name = 'PublishInProgressError';
  }
}

export interface PublishOnceOptions {
  /** How long a claim blocks others; longer than claim-to-publish-completion takes. */
  readonly leaseMs?: number;
  /** Markers outlive every redelivery (EventBridge retries for 24 h, the DLQ keeps 14 days). */
  readonly markerTtlSeconds?: number;
}

/**
 * Runs `publish` once per marker key with a claim → publish → mark protocol:
 *
 * 1. claim: conditional put {state: publishing, lease}. Fails if published, or claimed by a live lease.
 * 2. publish.
 * 3. mark: state = published (conditional on still owning the claim).
 *
 * Crash windows: after 1 and before 2, nothing was sent; the retry re-claims once the lease lapses
 * and sends (never lost). After 2 and before 3, the retry re-sends once the lease lapses (a duplicate
 * in that window only; messages carry the marker key as dedupId so consumers can drop it). A
 * duplicate arriving while the lease is live gets PublishInProgressError and is retried.
 */
export async function publishOnce(
  doc: DynamoDBDocumentClient,
  tableName: string,
  markerKey: string,
  publish: () => Promise<string | undefined>,
  options: PublishOnceOptions = {},
): Promise<{ published: boolean }> {
  const leaseMs = options.leaseMs ?? 60_000;
  const ttl = options.markerTtlSeconds ?? 30 * 86_400;
  const owner = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const now = Date.now();
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...itemKey(markerKey),
          value: { state: 'publishing', claimedAt: new Date(now).toISOString() },
          owner,
          leaseUntil: now + leaseMs,
          updatedAt: new Date(now).toISOString(),
          [KVSTORE_KEY.ttlAttribute]: Math.floor(now / 1000) + ttl,
        },
        ConditionExpression: 'attribute_not_exists(#sk) OR (#value.#state = :publishing AND #lease < :now)',
        ExpressionAttributeNames: { '#sk': KVSTORE_KEY.sortKey, '#value': 'value', '#state': 'state', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: { ':publishing': 'publishing', ':now': now },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const existing = await doc.send(new GetCommand({ TableName: tableName, Key: itemKey(markerKey), ConsistentRead: true }));
    const state = (existing.Item?.value as { state?: string } | undefined)?.state;
    if (state === 'published') return { published: false };
    throw new PublishInProgressError(markerKey);
  }
  const messageId = await publish();
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: itemKey(markerKey),
      UpdateExpression: 'SET #value = :v, updatedAt = :at REMOVE #lease',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#value': 'value', '#lease': 'leaseUntil', '#owner': 'owner' },
      ExpressionAttributeValues: {
        ':v': { state: 'published', publishedAt: new Date().toISOString(), ...(messageId ? { messageId } : {}) },
        ':at': new Date().toISOString(),
        ':owner': owner,
      },
    }),
  ).catch((err: unknown) => {
    // Our lease lapsed and another invocation re-claimed: it publishes and marks; we already sent.
    if (!isConditionFailure(err)) throw err;
  });
  return { published: true };
}

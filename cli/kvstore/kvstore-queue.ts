import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { KvStore, KvValue, assertItemFits, assertLockOrQueueName, expiryAfter, isLive, nowSeconds, reservedKeyOf } from '../../core/kvstore';

/**
 * FIFO queues in the kvstore table. Push takes the next number from a per-queue tail counter (an
 * atomic ADD, so producers never share a number) and writes the item under a zero-padded sort key,
 * so a Query returns items in push order. Pop reads the head and claims it with a conditional
 * DeleteItem: DynamoDB applies one delete per item, so exactly one consumer sees the condition hold
 * and gets the value; a consumer that loses the race moves on to the next item. Numbers taken by a
 * producer that died before writing its item leave a gap that pop simply skips.
 *
 * Pop removes the item: delivery is at most once. A consumer that must not lose work on a crash
 * pushes it back or records progress itself.
 */
export interface QueueItem {
  readonly queue: string;
  readonly seq: number;
  readonly value: KvValue;
  readonly pushedAt: string;
  readonly expiresAt?: number;
}

const QUEUE = 'queue';
const SEQ_DIGITS = 16;
/** Items read per Query: enough to step past items other consumers are claiming at the same time. */
const PAGE = 10;

export class KvQueue {
  constructor(private readonly kv: KvStore) {}

  private tailKey(name: string): Record<string, string> {
    assertLockOrQueueName('queue', name);
    return reservedKeyOf(QUEUE, name);
  }

  private itemKey(name: string, seq: number): Record<string, string> {
    return reservedKeyOf(QUEUE, name, `~${String(seq).padStart(SEQ_DIGITS, '0')}`);
  }

  /**
   * Appends `value`. With `onceToken` (say, the triggering event's id) a redelivered push is
   * recognised and adds nothing: it returns `duplicate: true` and leaves a gap in the numbers.
   */
  async push(name: string, value: KvValue, options: { ttlSeconds?: number; onceToken?: string } = {}): Promise<QueueItem & { duplicate?: true }> {
    const tailKey = this.tailKey(name);
    const pushedAt = new Date().toISOString();
    const draft = {
      ...this.itemKey(name, 0),
      value,
      pushedAt,
      seq: Number.MAX_SAFE_INTEGER,
      ...(options.ttlSeconds ? { [KVSTORE_KEY.ttlAttribute]: expiryAfter(options.ttlSeconds) } : {}),
    };
    // Checked before taking a number, so an oversized value leaves no gap behind.
    assertItemFits(name, draft);
    const res = await this.kv.doc.send(
      new UpdateCommand({
        TableName: this.kv.tableName,
        Key: tailKey,
        UpdateExpression: 'ADD tail :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = Number(res.Attributes?.tail);
    const item = { ...draft, ...this.itemKey(name, seq), seq };
    const put = { TableName: this.kv.tableName, Item: item };
    if (options.onceToken === undefined) {
      await this.kv.doc.send(new PutCommand(put));
    } else if (!(await this.kv.applyOnce(name, options.onceToken, { Put: put }, 'queue:')).applied) {
      return { ...toQueueItem(name, item), duplicate: true };
    }
    return toQueueItem(name, item);
  }

  /** Claims and removes the oldest live item; undefined when the queue is empty. */
  async pop(name: string): Promise<QueueItem | undefined> {
    const prefix = this.itemKey(name, 0)[KVSTORE_KEY.sortKey]!.slice(0, -SEQ_DIGITS);
    const pk = this.tailKey(name)[KVSTORE_KEY.partitionKey];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.kv.doc.send(
        new QueryCommand({
          TableName: this.kv.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': KVSTORE_KEY.partitionKey, '#sk': KVSTORE_KEY.sortKey },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ConsistentRead: true,
          Limit: PAGE,
          ExclusiveStartKey: startKey,
        }),
      );
      const candidates = (page.Items ?? []).filter((c) => isLive(c));
      for (let i = 0; i < candidates.length; i++) {
        const claimed = await this.claim(candidates[i]!);
        if (claimed) return toQueueItem(name, claimed);
        // Lost the head to another consumer: the others are likely racing for the next item too, so
        // try the rest of the page in random order instead of all colliding again. A lone consumer
        // never loses a race, so it still sees strict FIFO.
        if (i === 0) shuffle(candidates, 1);
      }
      // Every item on this page is gone (claimed by others or expired): the head is further on.
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  private async claim(candidate: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const { partitionKey: pk, sortKey: sk, ttlAttribute: exp } = KVSTORE_KEY;
    try {
      const res = await this.kv.doc.send(
        new DeleteCommand({
          TableName: this.kv.tableName,
          Key: { [pk]: candidate[pk], [sk]: candidate[sk] },
          ConditionExpression: 'attribute_exists(#sk) AND (attribute_not_exists(#exp) OR #exp > :nowS)',
          ExpressionAttributeNames: { '#sk': sk, '#exp': exp },
          ExpressionAttributeValues: { ':nowS': nowSeconds() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return res.Attributes;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }
}

function shuffle<T>(xs: T[], from: number): void {
  for (let i = xs.length - 1; i > from; i--) {
    const j = from + Math.floor(Math.random() * (i - from + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

function toQueueItem(queue: string, raw: Record<string, unknown>): QueueItem {
  const exp = raw[KVSTORE_KEY.ttlAttribute];
  return {
    queue,
    seq: Number(raw.seq),
    value: raw.value as KvValue,
    pushedAt: String(raw.pushedAt ?? ''),
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
  };
}

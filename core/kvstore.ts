import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { KVSTORE_KEY } from '../lib/constructs/kvstore-table';

/**
 * The kvstore client shared by the CLI and the handlers. Key design (see lib/constructs/kvstore-table):
 * pk = namespace (the key up to its first '/'), sk = the whole key. Values are JSON (string, number,
 * object). Expired items read as absent even before DynamoDB's lazy TTL deletion removes them.
 */
export type KvValue = string | number | boolean | null | KvValue[] | { [k: string]: KvValue };

export interface KvItem {
  readonly key: string;
  readonly value: KvValue;
  readonly updatedAt: string;
  /** Epoch seconds; absent when the item never expires. */
  readonly expiresAt?: number;
}

/** Dedupe markers live in the key's namespace under a sort-key prefix no user key can start with. */
const MARKER_PREFIX = '~applied~';
const MARKER_TTL_SECONDS = 14 * 24 * 3600;

export class InvalidKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`invalid kvstore key "${key}": ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

export function namespaceOf(key: string): string {
  if (!key || key.startsWith('/') || key.startsWith(MARKER_PREFIX)) {
    throw new InvalidKeyError(key, 'keys look like namespace/name, for example deployment/total-deploys');
  }
  if (Buffer.byteLength(key) > 1024) throw new InvalidKeyError(key.slice(0, 40) + '…', 'longer than 1024 bytes');
  const i = key.indexOf('/');
  return i === -1 ? key : key.slice(0, i);
}

function keyOf(key: string): Record<string, string> {
  return { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function isLive(item: Record<string, unknown> | undefined): boolean {
  if (!item) return false;
  const exp = item[KVSTORE_KEY.ttlAttribute];
  return typeof exp !== 'number' || exp > nowSeconds();
}

function toItem(raw: Record<string, unknown>): KvItem {
  const exp = raw[KVSTORE_KEY.ttlAttribute];
  return {
    key: String(raw[KVSTORE_KEY.sortKey]),
    value: raw.value as KvValue,
    updatedAt: String(raw.updatedAt ?? ''),
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
  };
}

export class KvStore {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(key: string): Promise<KvItem | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: true }));
    return res.Item && isLive(res.Item) ? toItem(res.Item) : undefined;
  }

  async set(key: string, value: KvValue, options: { ttlSeconds?: number } = {}): Promise<KvItem> {
    const item: Record<string, unknown> = {
      ...keyOf(key),
      value,
      updatedAt: new Date().toISOString(),
      ...(options.ttlSeconds ? { [KVSTORE_KEY.ttlAttribute]: nowSeconds() + options.ttlSeconds } : {}),
    };
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
    return toItem(item);
  }

  /** Atomic ADD; an expired counter restarts from zero. Returns the new value. */
  async increment(key: string, by = 1): Promise<number> {
    const res = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(key),
        UpdateExpression: 'SET updatedAt = :now ADD #v :by REMOVE #exp',
        ConditionExpression: 'attribute_not_exists(#exp) OR #exp > :nowS',
        ExpressionAttributeNames: { '#v': 'value', '#exp': KVSTORE_KEY.ttlAttribute },
        ExpressionAttributeValues: { ':by': by, ':now': new Date().toISOString(), ':nowS': nowSeconds() },
        ReturnValues: 'UPDATED_NEW',
      }),
    ).catch(async (err: unknown) => {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      await this.delete(key);
      return this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET updatedAt = :now ADD #v :by',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: { ':by': by, ':now': new Date().toISOString() },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
    });
    return Number(res.Attributes?.value);
  }

  /**
   * Increments exactly once per `token` (for example an object's bucket/key#version): a duplicate
   * delivery of the same event finds the marker and changes nothing. Returns whether it applied.
   */
  async incrementOnce(key: string, by: number, token: string): Promise<{ applied: boolean }> {
    return this.applyOnce(key, token, {
      Update: {
        TableName: this.tableName,
        Key: keyOf(key),
        UpdateExpression: 'SET updatedAt = :now ADD #v :by',
        ExpressionAttributeNames: { '#v': 'value' },
        ExpressionAttributeValues: { ':by': by, ':now': new Date().toISOString() },
      },
    });
  }

  /** Sets a value exactly once per token (a replayed older event cannot overwrite a newer one twice). */
  async setOnce(key: string, value: KvValue, token: string): Promise<{ applied: boolean }> {
    return this.applyOnce(key, token, {
      Put: { TableName: this.tableName, Item: { ...keyOf(key), value, updatedAt: new Date().toISOString() } },
    });
  }

  private async applyOnce(key: string, token: string, op: Record<string, unknown>): Promise<{ applied: boolean }> {
    const marker = {
      [KVSTORE_KEY.partitionKey]: namespaceOf(key),
      [KVSTORE_KEY.sortKey]: `${MARKER_PREFIX}${key}~${token}`,
      [KVSTORE_KEY.ttlAttribute]: nowSeconds() + MARKER_TTL_SECONDS,
    };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: marker, ConditionExpression: 'attribute_not_exists(#sk)', ExpressionAttributeNames: { '#sk': KVSTORE_KEY.sortKey } } },
            op as never,
          ],
        }),
      );
      return { applied: true };
    } catch (err) {
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        return { applied: false };
      }
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(key) }));
  }

  /** Keys starting with `prefix` (which must name a namespace: "deployment/" or "deployment/roll"). */
  async *list(prefix: string, options: { limit?: number } = {}): AsyncGenerator<KvItem> {
    const ns = namespaceOf(prefix.endsWith('/') ? prefix : prefix || '/');
    let startKey: Record<string, unknown> | undefined;
    let n = 0;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': KVSTORE_KEY.partitionKey, '#sk': KVSTORE_KEY.sortKey },
          ExpressionAttributeValues: { ':pk': ns, ':prefix': prefix },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const raw of res.Items ?? []) {
        if (!isLive(raw)) continue;
        yield toItem(raw);
        if (options.limit && ++n >= options.limit) return;
      }
      startKey = res.LastEvaluatedKey;
    } while (startKey);
  }
}

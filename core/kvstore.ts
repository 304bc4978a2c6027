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
import { InvalidKeyError, KVSTORE_KEY, keyOf, namespaceOf, safeKey } from './kvstore-key';
import { assertItemFits } from './kvstore-size';
import { type KvItem, type KvValue, NotANumberError, describe, expiryAfter, isLive, nowSeconds, toItem } from './kvstore-item';

export { InvalidKeyError, assertLockOrQueueName, namespaceOf, reservedKeyOf } from './kvstore-key';
export { ValueTooLargeError, assertItemFits } from './kvstore-size';
export type { KvItem, KvValue } from './kvstore-item';
export { NotANumberError, expiryAfter, isLive, nowSeconds } from './kvstore-item';

/** Dedupe markers live in the key's namespace under a sort-key prefix no user key can start with. */
const MARKER_PREFIX = '~applied~';
const NUMERIC_STRING = /^\s*-?\d{1,15}\s*$/;
const MARKER_TTL_SECONDS = 14 * 24 * 3600;

/**
 * The kvstore client shared by the CLI and the handlers. Key design (see lib/constructs/kvstore-table):
 * pk = namespace (the key up to its first '/'), sk = the whole key. Values are JSON (string, number,
 * object). Expired items read as absent even before DynamoDB's lazy TTL deletion removes them.
 * Key rules live in kvstore-key.ts, size limits in kvstore-size.ts, item lifetime in kvstore-item.ts.
 */
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
      ...(options.ttlSeconds ? { [KVSTORE_KEY.ttlAttribute]: expiryAfter(options.ttlSeconds) } : {}),
    };
    assertItemFits(key, item);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
    return toItem(item);
  }

  /**
   * Atomic ADD; returns the new value. A live counter keeps its expiry unless `ttlSeconds` sets a new
   * one; an expired counter restarts from zero (conditionally, so two racing resets cannot lose an
   * increment); a string holding an integer ("42", as `kvstore set` stores it) becomes that number.
   */
  async increment(key: string, by = 1, options: { ttlSeconds?: number } = {}): Promise<number> {
    const names = { '#v': 'value', '#exp': KVSTORE_KEY.ttlAttribute };
    const ttl = options.ttlSeconds ? { ':exp': expiryAfter(options.ttlSeconds) } : undefined;
    const setExp = ttl ? ', #exp = :exp' : '';
    for (let attempt = 0; attempt < 10; attempt++) {
      const values = { ':by': by, ':now': new Date().toISOString(), ':nowS': nowSeconds(), ...ttl };
      try {
        const res = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keyOf(key),
            UpdateExpression: `SET updatedAt = :now${setExp} ADD #v :by`,
            ConditionExpression: 'attribute_not_exists(#exp) OR #exp > :nowS',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(res.Attributes?.value);
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'ConditionalCheckFailedException') {
          if (await this.restartExpired(key, by, values, ttl ? setExp : ' REMOVE #exp')) return by;
        } else if (name === 'ValidationException' && /data type|operand/i.test((err as Error).message)) {
          await this.convertNumericString(key);
        } else {
          throw err;
        }
      }
    }
    throw new Error(`increment of "${key}" kept racing with concurrent writers; try again`);
  }

  /** Replaces an expired counter with `by`; false when another writer got there first. */
  private async restartExpired(key: string, by: number, values: Record<string, unknown>, expClause: string): Promise<boolean> {
    const exp = KVSTORE_KEY.ttlAttribute;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: `SET #v = :by, updatedAt = :now${expClause}`,
          ConditionExpression: '#exp <= :nowS',
          ExpressionAttributeNames: { '#v': 'value', '#exp': exp },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /** Turns "42" into 42 only if nobody changed it meanwhile; anything else is not a counter. */
  private async convertNumericString(key: string): Promise<void> {
    const current = await this.get(key);
    const value = current?.value;
    if (typeof value !== 'string' || !NUMERIC_STRING.test(value)) {
      throw new NotANumberError(key, describe(value));
    }
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET #v = :n',
          ConditionExpression: '#v = :old',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: { ':n': Number(value), ':old': value },
        }),
      )
      .catch((err: unknown) => {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      });
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
    const item = { ...keyOf(key), value, updatedAt: new Date().toISOString() };
    assertItemFits(key, item);
    return this.applyOnce(key, token, { Put: { TableName: this.tableName, Item: item } });
  }

  /**
   * Applies one write together with a marker for `token`, atomically; a second call with the same
   * token finds the marker and writes nothing. `scope` keeps markers of different kinds of writes
   * to the same name apart (queue pushes use 'queue:').
   */
  async applyOnce(key: string, token: string, op: Record<string, unknown>, scope = ''): Promise<{ applied: boolean }> {
    if (!token) throw new InvalidKeyError(key, 'the once-token is empty');
    const marker = {
      [KVSTORE_KEY.partitionKey]: namespaceOf(key),
      // A key near 1 KB plus the token would pass DynamoDB's sort key limit: safeKey bounds it (head + hash).
      [KVSTORE_KEY.sortKey]: safeKey(`${MARKER_PREFIX}${scope}${key}~${token}`),
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

  /** Idempotent; returns whether a live item was there. */
  async delete(key: string): Promise<boolean> {
    const res = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(key), ReturnValues: 'ALL_OLD' }));
    return isLive(res.Attributes);
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

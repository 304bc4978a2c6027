import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { KvStore, KvValue, namespaceOf } from '../../core/kvstore';
import type { S3Event } from '../../core/s3-events';

/**
 * Last-writer-wins by event order. EventBridge delivers out of order and more than once, so a
 * plain `set` would let a late, older event overwrite a newer value. Each write carries an order
 * token and only replaces an item whose token is smaller (or that has none, e.g. a manual
 * `kvstore set`). Equal tokens (a duplicate) change nothing.
 */
const ORDER_ATTRIBUTE = 'eventOrder';

/** S3 sequencers are hex strings of varying length; padding makes them compare as numbers. */
export function eventOrder(event: S3Event): string {
  const seq = event.detail.object.sequencer ?? '';
  return `${event.time}#${seq.padStart(32, '0')}`;
}

export interface OrderedEntry {
  readonly key: string;
  readonly value: KvValue;
}

/**
 * Writes all entries or none (one transaction): they describe one fact, e.g. version and commit.
 * `remove` keys are deleted in the same transaction (a fact that the new one replaces).
 */
export async function setIfNewer(kv: KvStore, entries: OrderedEntry[], order: string, remove: string[] = []): Promise<{ applied: boolean }> {
  const now = new Date().toISOString();
  const deletes = remove.map((key) => ({
    Delete: { TableName: kv.tableName, Key: { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key } },
  }));
  try {
    await kv.doc.send(
      new TransactWriteCommand({
        TransactItems: [...deletes, ...entries.map((e) => ({
          Put: {
            TableName: kv.tableName,
            Item: {
              [KVSTORE_KEY.partitionKey]: namespaceOf(e.key),
              [KVSTORE_KEY.sortKey]: e.key,
              value: e.value,
              updatedAt: now,
              [ORDER_ATTRIBUTE]: order,
            },
            ConditionExpression: 'attribute_not_exists(#ord) OR #ord < :ord',
            ExpressionAttributeNames: { '#ord': ORDER_ATTRIBUTE },
            ExpressionAttributeValues: { ':ord': order },
          },
        }))],
      }),
    );
    return { applied: true };
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
      return { applied: false };
    }
    throw err;
  }
}

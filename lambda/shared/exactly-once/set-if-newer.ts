import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { KVSTORE_KEY } from '../../../core/kvstore-key';
import { KvStore, KvValue, assertItemFits, namespaceOf } from '../../../core/kvstore';
import { eventOrder, type S3Event } from '../../../core/s3-events';

/**
 * set-if-newer: last writer wins by S3 event order. EventBridge delivers out of order and more than
 * once, so each write carries the event's order (core/s3-events.ts `eventOrder`) and only replaces
 * an item whose order is smaller, or that has none (a manual `kvstore set`). A redelivery (equal
 * order) and a late older event change nothing.
 *
 * Stored: `value`, `updatedAt`, `order`. Read both, write one: items written before this module
 * by the scenario handlers carry `eventOrder` instead, in that code's own format (time#sequencer
 * padded, case kept, no version). Such an item is compared in its own format, so it guards exactly
 * as it did; the first newer write replaces the whole item and leaves only `order`.
 */
export const ORDER_ATTRIBUTE = 'order';
/** The attribute the scenario handlers' ordered writes stored before; read, never written. */
export const LEGACY_ORDER_ATTRIBUTE = 'eventOrder';

/** The order the scenario handlers stored under `eventOrder`: only to compare with such items. */
export function legacyEventOrder(event: S3Event): string {
  return `${event.time}#${(event.detail.object.sequencer ?? '').padStart(32, '0')}`;
}

export interface OrderedEntry {
  readonly key: string;
  readonly value: KvValue;
}

const CONDITION = '(attribute_not_exists(#ord) AND (attribute_not_exists(#legacy) OR #legacy < :legacy)) OR #ord < :ord';

function guardedPut(tableName: string, entry: OrderedEntry, event: S3Event, now: string) {
  const item = {
    [KVSTORE_KEY.partitionKey]: namespaceOf(entry.key),
    [KVSTORE_KEY.sortKey]: entry.key,
    value: entry.value,
    updatedAt: now,
    [ORDER_ATTRIBUTE]: eventOrder(event),
  };
  assertItemFits(entry.key, item);
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: CONDITION,
    ExpressionAttributeNames: { '#ord': ORDER_ATTRIBUTE, '#legacy': LEGACY_ORDER_ATTRIBUTE },
    ExpressionAttributeValues: { ':ord': eventOrder(event), ':legacy': legacyEventOrder(event) },
  };
}

/**
 * Writes all entries or none (entries describe one fact, e.g. version and commit); `remove` keys are
 * deleted in the same transaction (a fact the new one replaces). One entry is a single conditional Put.
 */
export async function setIfNewer(kv: KvStore, entries: OrderedEntry[], event: S3Event, remove: string[] = []): Promise<{ applied: boolean }> {
  const now = new Date().toISOString();
  const puts = entries.map((e) => guardedPut(kv.tableName, e, event, now));
  try {
    if (puts.length === 1 && remove.length === 0) {
      await kv.doc.send(new PutCommand(puts[0]!));
    } else {
      const deletes = remove.map((key) => ({
        Delete: { TableName: kv.tableName, Key: { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key } },
      }));
      await kv.doc.send(new TransactWriteCommand({ TransactItems: [...deletes, ...puts.map((Put) => ({ Put }))] }));
    }
    return { applied: true };
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return { applied: false };
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
      return { applied: false };
    }
    throw err;
  }
}

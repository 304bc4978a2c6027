import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { paddedSequencer, S3Event } from './s3-events';

/**
 * The audit trail ("Who uploaded what, when?"): one item per S3 object event.
 *
 * Item design: pk = object key, sk = `<time>#<sequencer>#<version-id>#<event-key>`, so one Query per
 * key returns its history in time order, and events within the same second in S3's own order (the
 * sequencer grows for successive events on one key; it is left-padded so text order is hex order), and `expiresAt` (epoch seconds, the table's TTL attribute) drops
 * records after the environment's retention. The event key makes the write idempotent: a redelivered
 * event produces the same sk and the conditional put changes nothing.
 */
export interface AuditRecord {
  readonly key: string;
  readonly bucket: string;
  /** S3 EventBridge detail-type: Object Created, Object Deleted, Object Restore Completed, … */
  readonly eventType: string;
  /** PutObject, CopyObject, CompleteMultipartUpload, DeleteObject, Lifecycle Expiration, … */
  readonly reason?: string;
  readonly versionId?: string;
  readonly size?: number;
  readonly etag?: string;
  readonly requester?: string;
  readonly sourceIp?: string;
  /** ISO-8601 time of the event. */
  readonly time: string;
  readonly region: string;
  readonly eventId: string;
  readonly requestId?: string;
  readonly deletionType?: string;
  /** S3's per-key event order (hex); compare only between events of the same key. */
  readonly sequencer?: string;
  /** Epoch seconds after which DynamoDB TTL removes the record. */
  readonly expiresAt: number;
}

export const AUDIT_KEY = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

/**
 * A stable identity for one event. AWS gives every event a unique id that survives redelivery;
 * emulators may reuse one id for all events, so the object's version, sequencer and request id are
 * mixed in: a duplicate delivery hashes the same, two different events do not.
 */
export function auditEventKey(event: S3Event): string {
  const d = event.detail;
  const parts = [event.id, event['detail-type'], d.bucket.name, d.object.key, d.object['version-id'], d.object.sequencer, d['request-id']];
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 20);
}

export function auditRecordFromEvent(event: S3Event, retentionDays: number): AuditRecord {
  const d = event.detail;
  const expiresAt = Math.floor(Date.parse(event.time) / 1000) + retentionDays * 86_400;
  return stripUndefined({
    key: d.object.key,
    bucket: d.bucket.name,
    eventType: event['detail-type'],
    reason: d.reason,
    versionId: d.object['version-id'],
    size: d.object.size,
    etag: d.object.etag ?? d.object.eTag,
    requester: d.requester,
    sourceIp: d['source-ip-address'],
    time: event.time,
    region: event.region,
    eventId: auditEventKey(event),
    requestId: d['request-id'],
    deletionType: d['deletion-type'],
    sequencer: d.object.sequencer,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : Math.floor(Date.now() / 1000) + retentionDays * 86_400,
  });
}

export function auditSortKey(r: Pick<AuditRecord, 'time' | 'versionId' | 'eventId' | 'sequencer'>): string {
  return `${r.time}#${paddedSequencer(r.sequencer)}#${r.versionId ?? '-'}#${r.eventId}`;
}

/** Writes the record once; returns false when this event was already recorded. */
export async function recordAuditEvent(doc: DynamoDBDocumentClient, tableName: string, record: AuditRecord): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { [AUDIT_KEY.partitionKey]: record.key, [AUDIT_KEY.sortKey]: auditSortKey(record), ...record },
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': AUDIT_KEY.sortKey },
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/**
 * The history of one object key, newest first (what `blob history KEY` prints). Records past their
 * retention are hidden even before DynamoDB's lazy TTL deletion removes them.
 */
export async function queryHistory(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: string,
  opts: { limit?: number } = {},
): Promise<AuditRecord[]> {
  if (!key) throw new Error('history needs an object key, for example blob history uploads/report.csv');
  const out: AuditRecord[] = [];
  const now = Math.floor(Date.now() / 1000);
  let startKey: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': AUDIT_KEY.partitionKey },
        ExpressionAttributeValues: { ':pk': key },
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
        ...(opts.limit ? { Limit: opts.limit } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      if (typeof item.expiresAt === 'number' && item.expiresAt <= now) continue;
      out.push(toRecord(item));
      if (opts.limit && out.length >= opts.limit) return out;
    }
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  return out;
}

function toRecord(item: Record<string, unknown>): AuditRecord {
  const { [AUDIT_KEY.partitionKey]: _pk, [AUDIT_KEY.sortKey]: _sk, ...rest } = item;
  void _pk;
  void _sk;
  return rest as unknown as AuditRecord;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

import type { KvStore, KvValue } from '../../../core/kvstore';

/**
 * Exactly-once effects under at-least-once delivery: one protocol per kind of effect. Powertools
 * idempotency (kit.ts) only replays a finished result to duplicates; it deletes its record when a
 * handler fails, so a retry runs the handler again and every effect must be once on its own.
 *
 * | protocol       | for                                   | killed between marker and effect          | stored                                  |
 * |----------------|---------------------------------------|-------------------------------------------|-----------------------------------------|
 * | setIfNewer     | results of an object event            | none: marker (order) and value are one     | value, updatedAt, order (reads legacy   |
 * |                |                                       | conditional write; a retry is a no-op      | eventOrder)                             |
 * | incrementOnce, | counters, done markers                | none: marker item and effect are one       | marker ~applied~<key>~<token> (expires  |
 * | recordOnce     |                                       | transaction; a retry finds the marker      | after 14 d); value, updatedAt           |
 * | publishOnce    | SNS, S3 writes (effects outside DDB)  | claimed, not sent: sent after the lease;   | value {…record, owner, notified},       |
 * |                |                                       | sent, not marked: sent again (dedupId)    | claim, leaseUntil, updatedAt            |
 * | merge-once     | joins: fan-out stages, codegen merge  | completion is a conditional write; the    | fan-out: stage_<name>, completed; merge |
 * |                |                                       | merge is a publishOnce of idempotent puts | under publishOnce                       |
 */
export { setIfNewer, legacyEventOrder, type OrderedEntry } from './set-if-newer';
export { publishOnce, PublishInProgressError, NOTIFIED_MARKER_TTL_SECONDS, type OnceOutcome, type PublishOnceOptions } from './publish-once';
export { recordStage, readJoin, markJoined, joinKey, type JoinState, type RecordStageOutcome } from './merge-once';
export { onceKey } from './keys';

/** increment-once: ADD `by` exactly once per `token` (a marker and the update in one transaction). */
export function incrementOnce(kv: KvStore, key: string, by: number, token: string): Promise<{ applied: boolean }> {
  return kv.incrementOnce(key, by, token);
}

/** record-once: the increment-once protocol for a put (a done marker that holds its result). */
export function recordOnce(kv: KvStore, key: string, value: KvValue, token: string): Promise<{ applied: boolean }> {
  return kv.setOnce(key, value, token);
}

import { PipelineContext, s3EventPattern } from './context';
import { grantIdempotency, grantTableItems } from '../constructs/grants';

/**
 * The event types the audit trail records. S3 sends no EventBridge event for replication itself
 * (replication failures exist only as classic S3 event notifications); a replica appears as
 * Object Created in the replica bucket, which pattern 4 records in the replica region.
 */
export const AUDITED_DETAIL_TYPES = ['Object Created', 'Object Deleted', 'Object Restore Completed'];

/** Audit trail (primary region): every object event of the bucket → the audit table. */
export function auditTrail(ctx: PipelineContext): void {
  if (!ctx.auditTable) throw new Error('audit-trail needs the audit table (primary region only)');
  const fn = ctx.eventFunction('AuditRecorder', {
    handler: 'audit-recorder',
    description: 'Audit trail: record every object event (who, what, when) for blob history',
    eventPattern: s3EventPattern(ctx.bucket, AUDITED_DETAIL_TYPES, [{ exists: true }]),
    environment: { AUDIT_RETENTION_DAYS: String(ctx.config.auditRetentionDays) },
  }).function;
  grantTableItems(fn, ctx.auditTable, ctx.encryptionKey, 'AUDIT_TABLE');
  grantIdempotency(fn, ctx.idempotencyTable, ctx.encryptionKey, 'audit-recorder');
}

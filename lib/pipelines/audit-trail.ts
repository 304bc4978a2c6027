import { PipelineContext, s3EventPattern } from './context';
import { grantFootprint } from './footprint';
import { AUDIT_TRAIL, SETTING_ENV } from '../../core/pipelines';

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
    handler: AUDIT_TRAIL.handler,
    description: 'Audit trail: record every object event (who, what, when) for blob history',
    eventPattern: s3EventPattern(ctx.bucket, AUDITED_DETAIL_TYPES, [{ exists: true }]),
    environment: { [SETTING_ENV.auditRetentionDays]: String(ctx.config.auditRetentionDays) },
  }).function;
  grantFootprint(ctx, fn, AUDIT_TRAIL);
}

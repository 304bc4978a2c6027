import { RESOURCE_ENV as R, SETTING_ENV as S, defineDescriptor } from './descriptor';

/** Audit trail: every object event of the bucket → the audit table (no object or kvstore access). */
export const AUDIT_TRAIL = defineDescriptor({
  handler: 'audit-recorder',
  objects: {},
  auditTable: true,
  publishes: false,
  idempotency: { keyPrefix: 'audit-recorder' },
  env: [R.auditTable, R.idempotencyTable, R.idempotencyKeyPrefix, S.auditRetentionDays],
});

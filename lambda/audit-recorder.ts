import { auditEventKey, auditRecordFromEvent, recordAuditEvent } from '../core/audit';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { clients, metrics, objectEventHandler, requireEnv } from './shared/kit';

/**
 * Audit trail: one record per object event (created, deleted, restore completed) with key,
 * version, size, requester, source IP and time, kept for the environment's retention. Keyed on the
 * event, not the object version: a version's creation and its deletion are two records.
 */
export const handler = objectEventHandler(
  'audit-recorder',
  async ({ event }) => {
    const retentionDays = Number(requireEnv('AUDIT_RETENTION_DAYS'));
    const record = auditRecordFromEvent(event, retentionDays);
    const recorded = await recordAuditEvent(clients.doc, requireEnv('AUDIT_TABLE'), record);
    metrics.addMetric('AuditRecords', MetricUnit.Count, recorded ? 1 : 0);
    return { recorded, eventType: record.eventType, key: record.key };
  },
  { idempotencyKey: ({ event }) => auditEventKey(event) },
);

import { auditEventKey, auditRecordFromEvent, recordAuditEvent } from '../core/audit';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { clients, metrics, objectEventHandler } from './shared/kit';
import { env } from './shared/footprint';
import { AUDIT_TRAIL, RESOURCE_ENV, SETTING_ENV } from '../core/pipelines';

const config = env(AUDIT_TRAIL);

/**
 * Audit trail: one record per object event (created, deleted, restore completed) with key,
 * version, size, requester, source IP and time, kept for the environment's retention. Keyed on the
 * event, not the object version: a version's creation and its deletion are two records.
 */
export const handler = objectEventHandler(
  AUDIT_TRAIL.handler,
  async ({ event }) => {
    const retentionDays = Number(config.get(SETTING_ENV.auditRetentionDays));
    const record = auditRecordFromEvent(event, retentionDays);
    const recorded = await recordAuditEvent(clients.doc, config.get(RESOURCE_ENV.auditTable), record);
    metrics.addMetric('AuditRecords', MetricUnit.Count, recorded ? 1 : 0);
    return { recorded, eventType: record.eventType, key: record.key };
  },
  { idempotencyKey: ({ event }) => auditEventKey(event) },
);

import type { ObjectIdentity } from '../../core/s3-events';
import { identityKey } from '../../core/s3-events';
import { logger, notifyOnce } from './kit';
import type { OnceOutcome } from './exactly-once';

/**
 * A rejected or unprocessable object, recorded where a user looks and never only in a log line:
 * one kvstore record at `recordKey` (derived with `namespaced(...).once`, so any S3 key fits) that
 * holds the object key, its version and the reason, and is the outbox of exactly one notification
 * of type `event` (publishOnce: a retry neither loses nor repeats it).
 */
export async function recordRejection(
  recordKey: string,
  identity: ObjectIdentity,
  notice: { readonly event: string; readonly subject: string; readonly scenario: string; readonly reason: string; readonly status?: string },
): Promise<OnceOutcome> {
  logger.warn(notice.reason, { recordKey });
  const body = {
    scenario: notice.scenario,
    status: notice.status ?? 'rejected',
    bucket: identity.bucket,
    objectKey: identity.key,
    versionId: identity.versionId ?? null,
    reason: notice.reason,
    recordKey,
  };
  return notifyOnce(recordKey, { event: notice.event, subject: notice.subject, body }, { owner: identityKey(identity), record: { ...body, recordedAt: new Date().toISOString() } });
}

import { KvStore, KvValue } from '../../core/kvstore';

/**
 * An outbox record that makes a notification survive duplicate delivery and crashes:
 *   1. claim the record with a conditional write (the first owner wins a race);
 *   2. the owner publishes, then marks the record notified.
 * A duplicate from another owner changes nothing; a retry by the owner (same owner string) after a
 * crash before step 2 publishes again, so a notification can repeat only in that window and is
 * never lost. The record stays as the audit entry of what was announced.
 */
export type NotifyOutcome = 'published' | 'already-notified' | 'claimed-by-other';

export async function notifyOnce(
  kv: KvStore,
  recordKey: string,
  owner: string,
  record: { [k: string]: KvValue },
  deliver: () => Promise<void>,
): Promise<NotifyOutcome> {
  const claim = await kv.setOnce(recordKey, { ...record, owner, notified: false }, 'claim');
  if (!claim.applied) {
    const current = (await kv.get(recordKey))?.value;
    const cur = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
    if (cur.notified === true) return 'already-notified';
    if (cur.owner !== owner) return 'claimed-by-other';
  }
  await deliver();
  await kv.set(recordKey, { ...record, owner, notified: true });
  return 'published';
}

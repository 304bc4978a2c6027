import { setIfNewer } from './shared/exactly-once';
import { namespaced } from './shared/footprint';
import { REPLICA_PROCESSING } from '../core/pipelines';
import { digestStream } from './shared/stream-digest';
import { ObjectArchivedError, isUnreadable, kvstore, logger, objectEventHandler, openObject } from './shared/kit';

/**
 * Pattern 4: runs in the replica region on replicated critical/ objects and stores what it found
 * (checksum, size, lines) in that region's kvstore as replica/<key>, so consumers there read local
 * results with local latency, and the primary's outage does not hide them.
 */
const keys = namespaced(REPLICA_PROCESSING);

export const handler = objectEventHandler(REPLICA_PROCESSING.handler, async ({ identity, event }) => {
  let value: Record<string, string | number>;
  try {
    const digest = await digestStream((await openObject(identity)).body);
    value = { status: 'processed', key: identity.key, versionId: identity.versionId ?? '', region: event.region, ...digest, processedAt: new Date().toISOString() };
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    value = { status: err instanceof ObjectArchivedError ? 'archived' : 'gone', key: identity.key, versionId: identity.versionId ?? '', region: event.region, reason: err.message };
    logger.warn('replica object unreadable', { reason: err.message });
  }
  const { applied: written } = await setIfNewer(kvstore(), [{ key: keys.once('replica', identity.key), value }], event);
  return { status: String(value.status), written, region: event.region };
});

import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { NOTIFIED_MARKER_TTL_SECONDS, markJoined, publishOnce, readJoin, recordStage } from './exactly-once';
import { env, namespaced } from './footprint';
import { FAN_OUT, RESOURCE_ENV } from '../../core/pipelines';
import { FANOUT_STAGES, FanoutStage } from '../../core/fanout-stages';
import { MAX_DOCUMENT_BYTES, mergeStages, processedKey, runStage } from '../fanout/stages';
import type { KvValue } from '../../core/kvstore';
import { identityKey, ObjectIdentity } from '../../core/s3-events';
import { clients, isUnreadable, kvstore, logger, metrics, notifyOnce, objectEventHandler, ObjectTooLargeError, readObjectText } from './kit';

/**
 * One handler factory for the three parallel stages of pattern 2. Each stage stores its partial
 * result in the join item; the stage whose conditional update completes the set aggregates: it
 * writes the merged document to processed-data/ and notifies, each exactly once.
 */
export function fanoutStageHandler(stage: FanoutStage) {
  const descriptor = FAN_OUT[stage];
  return objectEventHandler(descriptor.handler, async ({ identity, event }) => {
    let result: KvValue;
    try {
      const text = await readObjectText(identity, MAX_DOCUMENT_BYTES);
      result = JSON.parse(JSON.stringify(runStage(stage, text, { time: event.time, requester: event.detail.requester, sourceIp: event.detail['source-ip-address'] }))) as KvValue;
    } catch (err) {
      if (!(err instanceof ObjectTooLargeError || isUnreadable(err))) throw err;
      // Recorded, not dropped: the merged document says why this stage could not run.
      result = stage === 'validate' ? { valid: false, errors: [err.message] } : { error: err.message };
    }
    const table = env(descriptor).get(RESOURCE_ENV.kvstore);
    const outcome = await recordStage(clients.doc, table, identity, stage, result);
    metrics.addMetric('FanoutStagesRecorded', MetricUnit.Count, outcome.recorded ? 1 : 0);
    // A retry of the winner (or a duplicate arriving after the set completed) finishes the join: every
    // step below is itself exactly-once, so finishing twice is harmless and a crash is never final.
    const complete = outcome.state.completed >= FANOUT_STAGES.length;
    if (!outcome.won && !complete) return { stage, recorded: outcome.recorded, aggregated: false, won: false };
    const aggregated = await aggregate(identity, table);
    return { stage, recorded: outcome.recorded, aggregated: true, won: outcome.won, ...aggregated };
  });
}

/** The stages share one footprint: the join, the merged-document claim and the notification are in its namespaces. */
const keys = namespaced(FAN_OUT.validate);

async function aggregate(identity: ObjectIdentity, table: string): Promise<{ outputKey: string; status: string; notified: boolean }> {
  const state = await readJoin(clients.doc, table, identity);
  const merged = mergeStages(identity, state.stages as Record<FanoutStage, KvValue>);
  const outputKey = processedKey(identity.key);
  // The merged document is written once per source version (a claim marker); a crash between the put
  // and the marker rewrites identical bytes as one extra noncurrent version, nothing more.
  const owner = identityKey(identity);
  const once = { owner, ttlSeconds: NOTIFIED_MARKER_TTL_SECONDS };
  await publishOnce(kvstore(), keys.once('notified', 'fanout-merged', owner), once, async () => {
    const res = await clients.s3.send(
      new PutObjectCommand({
        Bucket: identity.bucket,
        Key: outputKey,
        Body: JSON.stringify(merged, null, 2),
        ContentType: 'application/json',
        // User metadata travels as HTTP headers, which must be ASCII: a key with spaces or unicode
        // (valid in S3) would make the PutObject itself fail, so the key is stored URI-encoded.
        Metadata: { 'source-key': encodeURIComponent(identity.key).slice(0, 1024).replace(/%[0-9A-F]?$/i, ''), 'source-version-id': identity.versionId ?? '' },
      }),
    );
    return res.VersionId;
  });
  const summary = { status: merged.status, source: merged.source, outputKey, stages: [...FANOUT_STAGES] };
  await markJoined(clients.doc, table, identity, JSON.parse(JSON.stringify(summary)) as KvValue);
  const outcome = await notifyOnce(keys.once('notified', 'fanout', owner), {
    event: merged.status === 'processed' ? 'fanout.processed' : 'fanout.rejected',
    subject: `${merged.status === 'processed' ? 'Processed' : 'Rejected'} ${identity.key}`,
    body: { ...summary, errors: merged.validation.errors ?? [], recordCount: merged.validation.recordCount },
  }, once);
  const published = outcome === 'published';
  logger.info('fan-out joined', { outputKey, status: merged.status, notified: published });
  return { outputKey, status: merged.status, notified: published };
}

import { NOTIFIED_MARKER_TTL_SECONDS, setIfNewer } from './shared/exactly-once';
import { namespaced } from './shared/footprint';
import { UPLOAD_PROCESSING } from '../core/pipelines';
import { analyzeCsvStream } from './csv/analyze';
import { AnalysisRecord, analysisKey, analysisNotification, failedRecord, succeededRecord, toKvValue } from './csv/analysis-record';
import { CsvFormatError } from './csv/insights';
import { identityKey } from '../core/s3-events';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isUnreadable, kvstore, logger, metrics, notifyOnce, objectEventHandler, openObject } from './shared/kit';

/**
 * Pattern 1: uploads/**.csv → streamed analysis → kvstore analysis/<key> → SNS summary. Input that
 * cannot be analysed is recorded as a failed analysis with its reason and notified; only transient
 * AWS errors throw (and are retried, then dead-lettered).
 */
const keys = namespaced(UPLOAD_PROCESSING);

export const handler = objectEventHandler(UPLOAD_PROCESSING.handler, async ({ identity, event }) => {
  let record: AnalysisRecord;
  try {
    const { body } = await openObject(identity);
    record = succeededRecord(identity, await analyzeCsvStream(body));
  } catch (err) {
    if (!(err instanceof CsvFormatError || isUnreadable(err))) throw err;
    record = failedRecord(identity, err.message);
    logger.warn('analysis failed', { reason: err.message });
  }
  const { applied: written } = await setIfNewer(kvstore(), [{ key: analysisKey(identity.key), value: toKvValue(record) }], event);
  const outcome = await notifyOnce(keys.once('notified', 'analysis', identityKey(identity)), analysisNotification(record), {
    owner: identityKey(identity),
    ttlSeconds: NOTIFIED_MARKER_TTL_SECONDS,
  });
  const published = outcome === 'published';
  metrics.addMetric(record.status === 'succeeded' ? 'AnalysesSucceeded' : 'AnalysesFailed', MetricUnit.Count, written ? 1 : 0);
  return { status: record.status, written, published, ...(record.status === 'succeeded' ? { rowCount: record.rowCount } : { reason: record.reason }) };
});

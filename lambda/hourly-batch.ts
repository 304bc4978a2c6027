import { BatchSummary, batchHourFromEvent, runHourlyBatch } from './batch/hourly';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { clients, kvstore, logger, metrics } from './shared/kit';
import { env } from './shared/footprint';
import { HOURLY_BATCH, RESOURCE_ENV } from '../core/pipelines';

/** Stop with a minute to spare so the retry, not a timeout, picks up the rest. */
const SAFETY_MS = 60_000;

/**
 * Pattern 3: hourly batch over uploads/<previous hour>/ (or the hour the event names).
 *
 * Deliberately not wrapped in Powertools idempotency: its exactly-once guarantee comes from the
 * per-object-version done markers (lambda/batch/hourly.ts), so any number of reruns of an hour count
 * each object once. An idempotency record would hurt here: a run killed mid-batch (out of memory, a
 * runtime crash) leaves it "in progress" until the 15-minute timeout has passed, so Lambda's own
 * retry and any early redrive would be rejected and dead-lettered instead of finishing the hour.
 */
export async function handler(raw: unknown, context?: Context): Promise<{ summary: BatchSummary }> {
  const hour = batchHourFromEvent(raw);
  logger.appendKeys({ handler: HOURLY_BATCH.handler, hour });
  if (context?.awsRequestId) logger.addContext(context);
  try {
    const summary = await runHourlyBatch(
      {
        s3: clients.s3,
        kv: kvstore(),
        bucket: env(HOURLY_BATCH).get(RESOURCE_ENV.bucket),
        shouldStop: () => typeof context?.getRemainingTimeInMillis === 'function' && context.getRemainingTimeInMillis() < SAFETY_MS,
      },
      hour,
    );
    metrics.addMetric('BatchObjects', MetricUnit.Count, summary.objects);
    logger.info('hourly batch complete', { ...summary });
    return { summary };
  } finally {
    metrics.publishStoredMetrics();
  }
}

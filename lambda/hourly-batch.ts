import { BatchSummary, batchHourFromEvent, runHourlyBatch } from '../core/batch/hourly';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { clients, idempotentHandler, kvstore, logger, metrics, requireEnv } from './shared/kit';

/** Stop with a minute to spare so the retry, not a timeout, picks up the rest. */
const SAFETY_MS = 60_000;

/** Pattern 3: hourly batch over uploads/<previous hour>/ (or the hour the event names). */
export const handler = idempotentHandler(
  'hourly-batch',
  (raw) => ({ hour: batchHourFromEvent(raw), eventId: (raw as { id?: unknown } | null)?.id }),
  // Keyed on the hour and the event id: a redelivered event replays, a new tick (or a manual rerun
  // of the hour) runs again, which the per-object markers make safe.
  ({ hour, eventId }) => `${hour}#${typeof eventId === 'string' ? eventId : ''}`,
  async ({ hour }, context): Promise<{ summary: BatchSummary }> => {
    const summary = await runHourlyBatch(
      {
        s3: clients.s3,
        kv: kvstore(),
        bucket: requireEnv('BUCKET_NAME'),
        shouldStop: () => typeof context?.getRemainingTimeInMillis === 'function' && context.getRemainingTimeInMillis() < SAFETY_MS,
      },
      hour,
    );
    metrics.addMetric('BatchObjects', MetricUnit.Count, summary.objects);
    logger.info('hourly batch complete', { ...summary });
    return { summary };
  },
  { annotate: ({ hour }) => ({ hour }) },
);

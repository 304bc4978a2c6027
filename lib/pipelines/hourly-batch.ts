import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { PipelineContext } from './context';
import { grantFootprint } from './footprint';
import { HOURLY_BATCH } from '../../core/pipelines';

/**
 * Pattern 3: at minute 5 of every hour, process uploads/<previous hour>/ (five minutes lets
 * uploads that straddle the hour boundary land), delete the originals and write batch/processed-<hour>.
 */
export function hourlyBatch(ctx: PipelineContext): void {
  const fn = ctx.eventFunction('HourlyBatch', {
    handler: HOURLY_BATCH.handler,
    description: 'Pattern 3: hourly batch over uploads/YYYY-MM-DD-HH/, summary in batch/processed-<hour>',
    schedule: events.Schedule.cron({ minute: '5' }),
    memorySize: ctx.config.processorMemoryMb,
    timeout: Duration.minutes(15),
  }).function;
  grantFootprint(ctx, fn, HOURLY_BATCH);
}

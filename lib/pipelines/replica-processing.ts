import { Duration } from 'aws-cdk-lib';
import { PipelineContext, s3EventPattern } from './context';
import { grantFootprint } from './footprint';
import { REPLICA_PROCESSING, REPLICATED_PREFIX } from '../../core/pipelines';

/**
 * Pattern 4 (replica region): replicated critical/ objects appear there as Object Created events of
 * the replica bucket; the processor stores its results in the replica region's kvstore table.
 */
export function replicaProcessing(ctx: PipelineContext): void {
  const fn = ctx.eventFunction('ReplicaProcessor', {
    handler: REPLICA_PROCESSING.handler,
    description: 'Pattern 4: process replicated critical/ objects in the replica region',
    eventPattern: s3EventPattern(ctx.bucket, ['Object Created'], [{ prefix: REPLICATED_PREFIX }]),
    timeout: Duration.minutes(5),
  }).function;
  grantFootprint(ctx, fn, REPLICA_PROCESSING);
}

import { Duration } from 'aws-cdk-lib';
import { PipelineContext, s3EventPattern } from './context';
import { grantFootprint } from './footprint';
import { FAN_OUT } from '../../core/pipelines';
import { FANOUT_STAGES } from '../../core/fanout-stages';

export const RAW_DATA_JSON_KEY = [{ wildcard: 'raw-data/*.json' }];

const DESCRIPTIONS: Record<(typeof FANOUT_STAGES)[number], string> = {
  validate: 'Pattern 2 stage: validate raw-data/**.json',
  enrich: 'Pattern 2 stage: enrich raw-data/**.json with provenance',
  index: 'Pattern 2 stage: index raw-data/**.json terms and fields',
};

/**
 * Pattern 2: raw-data/**.json → validate, enrich and index in parallel (one rule each, same
 * pattern, so a failing stage retries and dead-letters on its own). The stage that completes the
 * set aggregates into processed-data/ and notifies; see lambda/shared/fanout.ts.
 */
export function fanOut(ctx: PipelineContext): void {
  if (!ctx.notificationTopic) throw new Error('fan-out needs the notification topic (primary region only)');
  for (const stage of FANOUT_STAGES) {
    const id = `Fanout${stage[0]!.toUpperCase()}${stage.slice(1)}`;
    const fn = ctx.eventFunction(id, {
      handler: FAN_OUT[stage].handler,
      description: DESCRIPTIONS[stage],
      eventPattern: s3EventPattern(ctx.bucket, ['Object Created'], RAW_DATA_JSON_KEY),
      timeout: Duration.minutes(2),
    }).function;
    // Any stage may be the one that completes the join, so each can write the merged document.
    grantFootprint(ctx, fn, FAN_OUT[stage]);
  }
}

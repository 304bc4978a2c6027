import { Duration } from 'aws-cdk-lib';
import { PipelineContext, s3EventPattern } from './context';
import { grantFootprint } from './footprint';
import { UPLOAD_PROCESSING } from '../../core/pipelines';

/**
 * Matches uploads/**.csv at any depth (EventBridge wildcard: `*` spans `/`; moto supports it too).
 * Wildcards are case-sensitive, so the upper-case extension some exporters write is listed too.
 */
export const UPLOADS_CSV_KEY = [{ wildcard: 'uploads/*.csv' }, { wildcard: 'uploads/*.CSV' }];

/**
 * Pattern 1: uploads/**.csv Object Created → upload-processor (streamed CSV analysis) → kvstore
 * analysis/<key> → SNS summary.
 */
export function uploadProcessing(ctx: PipelineContext): void {
  if (!ctx.notificationTopic) throw new Error('upload-processing needs the notification topic (primary region only)');
  const fn = ctx.eventFunction('UploadProcessor', {
    handler: UPLOAD_PROCESSING.handler,
    description: 'Pattern 1: analyse uploads/**.csv (streamed), store analysis/<key>, notify',
    eventPattern: s3EventPattern(ctx.bucket, ['Object Created'], UPLOADS_CSV_KEY),
    // Streaming keeps memory flat; the size mostly buys CPU for parsing.
    memorySize: ctx.config.processorMemoryMb,
    timeout: Duration.minutes(15),
  }).function;
  grantFootprint(ctx, fn, UPLOAD_PROCESSING);
}

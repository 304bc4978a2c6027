import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { EventFunction, EventFunctionProps } from '../constructs/event-function';
import type { StateRefs } from '../stacks/state-refs';

/** What every pipeline module receives: the stateful resources of its region, and a factory. */
export interface PipelineContext extends StateRefs {
  readonly scope: Construct;
  readonly config: EnvironmentConfig;
  /** Every function created so far through eventFunction(), in order (observability reads it last). */
  readonly functions: readonly EventFunction[];
  /** Creates an EventFunction with the environment's retention, alarms and common variables. */
  eventFunction(id: string, props: PipelineFunctionProps): EventFunction;
}

export type PipelineFunctionProps = Omit<
  EventFunctionProps,
  'logRetentionDays' | 'removalPolicy' | 'alarmTopic' | 'dlqDepthThreshold' | 'metricsNamespace' | 'reservedConcurrency'
>;

/** The EventBridge pattern for S3 events of one bucket, narrowed to key filters. */
export function s3EventPattern(
  bucket: s3.IBucket,
  detailType: string[],
  key: Array<Record<string, unknown> | string>,
): { source: string[]; detailType: string[]; detail: Record<string, unknown> } {
  return {
    source: ['aws.s3'],
    detailType,
    detail: { bucket: { name: [bucket.bucketName] }, object: { key } },
  };
}

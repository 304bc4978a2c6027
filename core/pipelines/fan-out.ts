import { FANOUT_STAGES, FanoutStage } from '../fanout-stages';
import { PipelineDescriptor, objectEventPipeline } from './descriptor';

/**
 * Pattern 2: one function per stage, same footprint: raw-data/**.json in; any stage may complete
 * the join, so each may write the merged document to processed-data/ and notify once.
 */
function stage(name: FanoutStage) {
  const objects = { read: ['raw-data/'], write: ['processed-data/'] };
  return objectEventPipeline(`fanout-${name}`, objects, ['fanout', 'notified'], { publishes: true });
}

export type FanOutDescriptor = ReturnType<typeof stage>;

export const FAN_OUT: Readonly<Record<FanoutStage, FanOutDescriptor>> = Object.fromEntries(
  FANOUT_STAGES.map((s) => [s, stage(s)]),
) as Record<FanoutStage, FanOutDescriptor>;

export const FAN_OUT_DESCRIPTORS: readonly PipelineDescriptor[] = FANOUT_STAGES.map((s) => FAN_OUT[s]);

import type { PipelineDescriptor } from './descriptor';
import { AUDIT_TRAIL } from './audit-trail';
import { FAN_OUT_DESCRIPTORS } from './fan-out';
import { HOURLY_BATCH } from './hourly-batch';
import { REPLICA_PROCESSING } from './replica-processing';
import { ARTIFACTS, CODEGEN, DATASETS_VERIFY, LOG_ANALYSIS, MODELS_LINEAGE } from './scenarios';
import { UPLOAD_PROCESSING } from './upload-processing';

export * from './descriptor';
export { UPLOAD_PROCESSING } from './upload-processing';
export { FAN_OUT, FAN_OUT_DESCRIPTORS, type FanOutDescriptor } from './fan-out';
export { HOURLY_BATCH } from './hourly-batch';
export { AUDIT_TRAIL } from './audit-trail';
export { REPLICA_PROCESSING, REPLICATED_PREFIX } from './replica-processing';
export { ARTIFACTS, CODEGEN, DATASETS_VERIFY, LOG_ANALYSIS, MODELS_LINEAGE } from './scenarios';

/** Every function's descriptor, one per handler. */
export const DESCRIPTORS: readonly PipelineDescriptor[] = [
  UPLOAD_PROCESSING,
  ...FAN_OUT_DESCRIPTORS,
  HOURLY_BATCH,
  AUDIT_TRAIL,
  REPLICA_PROCESSING,
  CODEGEN,
  LOG_ANALYSIS,
  ARTIFACTS,
  DATASETS_VERIFY,
  MODELS_LINEAGE,
];

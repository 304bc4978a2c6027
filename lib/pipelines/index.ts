import type { PipelineModule } from '../stacks/pipelines-stack';
import { observability } from './observability';
import { SCENARIO_MODULES } from './scenarios';
import { uploadProcessing } from './upload-processing';
import { fanOut } from './fan-out';
import { hourlyBatch } from './hourly-batch';
import { replicaProcessing } from './replica-processing';
import { auditTrail } from './audit-trail';

/**
 * Pipeline modules per region. Each module file adds one pattern or scenario; adding a line here
 * is all it takes to deploy it (and to run it locally, since the local copy reads the templates).
 */
export const PRIMARY_MODULES: PipelineModule[] = [uploadProcessing, fanOut, hourlyBatch, auditTrail, ...SCENARIO_MODULES];

/** Pattern 4: processing of replicated objects in the replica region. */
export const REPLICA_MODULES: PipelineModule[] = [replicaProcessing];

// Observability goes last in both regions: its dashboard lists every function the modules above
// created. Add new modules inside the arrays above, never after these lines.
PRIMARY_MODULES.push(observability);
REPLICA_MODULES.push(observability);

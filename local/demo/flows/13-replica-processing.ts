import type { DemoFlow } from '../types';
import { checkReplicaProcessing } from '../pattern-checks';

const flow: DemoFlow = { name: 'Pattern 4 critical/ replicated and processed in the replica region', order: 13, run: checkReplicaProcessing };
export default flow;

import type { DemoFlow } from '../types';
import { checkHourlyBatch } from '../pattern-checks';

const flow: DemoFlow = { name: 'Pattern 3 hourly batch (tick) → batch/processed-<hour>', order: 12, run: checkHourlyBatch };
export default flow;

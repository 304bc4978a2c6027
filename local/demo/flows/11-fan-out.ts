import type { DemoFlow } from '../types';
import { checkFanOut } from '../pattern-checks';

const flow: DemoFlow = { name: 'Pattern 2 fan-out → validate/enrich/index → processed-data/', order: 11, run: checkFanOut };
export default flow;

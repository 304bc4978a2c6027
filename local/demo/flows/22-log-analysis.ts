import type { DemoFlow } from '../types';
import { checkLogAnalysis } from '../scenario-checks';

const flow: DemoFlow = { name: 'Scenario 2 log analysis (tick) → analytics/errors-<hour>.json + spike alert', order: 22, run: checkLogAnalysis };
export default flow;

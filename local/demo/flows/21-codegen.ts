import type { DemoFlow } from '../types';
import { checkCodegen } from '../scenario-checks';

const flow: DemoFlow = { name: 'Scenario 1 codegen: 4 agents → validate → merged/ once', order: 21, run: checkCodegen };
export default flow;

import type { DemoFlow } from '../types';
import { checkArtifacts } from '../scenario-checks';

const flow: DemoFlow = { name: 'Scenario 3 CI/CD artifacts v1→v2 → rollback link to v1', order: 23, run: checkArtifacts };
export default flow;

import type { DemoFlow } from '../types';
import { checkDatasetLineage } from '../scenario-checks';

const flow: DemoFlow = { name: 'Scenario 4 dataset hash check + model lineage', order: 24, run: checkDatasetLineage };
export default flow;

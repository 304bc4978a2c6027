import type { DemoFlow } from '../types';
import { checkUploadProcessing } from '../pattern-checks';

const flow: DemoFlow = { name: 'Pattern 1 upload → CSV analysis → kvstore + SNS', order: 10, run: checkUploadProcessing };
export default flow;

import type { DemoFlow } from '../types';
import { checkAuditTrail } from '../pattern-checks';

const flow: DemoFlow = { name: 'Audit trail - who uploaded or deleted what, when', order: 14, run: checkAuditTrail };
export default flow;

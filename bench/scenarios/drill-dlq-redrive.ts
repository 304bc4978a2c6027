import { drillScenario } from '../drill-scenario';
import { dlqRedriveDrill } from '../../test/drills/scenarios';

/** Issue 7 drill (b): a handler crash dead-letters events; the redrive processes them once. */
export default drillScenario('drill-dlq-redrive', 'drill: idempotency-table outage dead-letters every event of two functions; after recovery the redrive processes each exactly once', (stack, quick) =>
  dlqRedriveDrill(stack, { uploads: quick ? 20 : 100 }),
);

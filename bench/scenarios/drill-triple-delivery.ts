import { drillScenario } from '../drill-scenario';
import { tripleDeliveryDrill } from '../../test/drills/scenarios';

/** Issue 7 drill (c): every S3 event delivered three times, all counts exact. */
export default drillScenario('drill-triple-delivery', 'drill: each captured S3 event delivered 3 times to pattern 1 and the audit trail; counts stay exact', (stack, quick) =>
  tripleDeliveryDrill(stack, { uploads: quick ? 30 : 100 }),
);

import { drillScenario } from '../../local/drills-bench';
import { burstDrill } from '../../local/drills-scenarios';

/** Issue 7 drill (d): 500 uploads within 10 seconds, all processed exactly once. */
export default drillScenario('drill-burst', 'drill: 500 CSV uploads within 10 s on the local stack; each analysed, notified and audited exactly once', (stack, quick) =>
  burstDrill(stack, { uploads: quick ? 100 : 500 }),
);

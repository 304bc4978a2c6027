import { drillScenario } from '../drill-scenario';
import { burstDrill } from '../../test/drills/scenarios';

/** Issue 7 drill (d): 500 uploads within 10 seconds, all processed exactly once. */
export default drillScenario('drill-burst', 'drill: 500 CSV uploads within 10 s on the local stack; each analysed, notified and audited exactly once', async (stack, quick) => {
  const figures = await burstDrill(stack, { uploads: quick ? 100 : 500 });
  // The drill's premise is the rate: a burst that took longer than 10 s did not test what it claims.
  if (!figures.uploadsWithin10s) throw new Error(`drill-burst: ${figures.sent} uploads took ${figures.uploadSeconds} s, not within 10 s`);
  return figures;
});

import { drillScenario } from '../drill-scenario';
import { batchCrashDrill } from '../../test/drills/scenarios';

/** Issue 7 drill (a): the hourly batch's Lambda dies midway; retry and re-run count every object once. */
export default drillScenario(
  'drill-batch-crash',
  'drill: hourly-batch execution environment killed a third of the way through, the emulator killed during the retry and restarted 3 s later with its stored state; every object counted once',
  (stack, quick) => batchCrashDrill(stack, { objects: quick ? 60 : 300, rows: 10, emulatorDownMs: 3000 }),
);

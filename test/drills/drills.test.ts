import { LocalStack, startLocalStack } from '../../local/stack';
import { batchCrashDrill, burstDrill, dlqRedriveDrill, tripleDeliveryDrill } from './scenarios';

/**
 * Issue 7's failure drills on one local stack (the project's templates in moto, the real bundles
 * in the local Lambda runtime), with small counts; `npm run bench -- --only drill` runs them at
 * full size and records the figures. Order matters only for speed: each drill uses its own keys.
 */
let stack: LocalStack;
beforeAll(async () => {
  // Retry waits far longer than an invocation, as on AWS (1 and 2 minutes): a duplicate that meets
  // its original still in progress is retried after the original finished, not dead-lettered.
  stack = await startLocalStack({ quiet: true, retryDelaysMs: [1000, 2000] });
}, 600_000);
afterAll(() => stack?.stop(), 60_000);

const exact = { duplicated: 0, lost: 0 };

test('(d) a burst of 100 uploads: every one analysed, notified and audited exactly once', async () => {
  const f = await burstDrill(stack, { uploads: 100 });
  expect(f).toMatchObject({ sent: 100, processed: 100, ...exact, deadLettered: 0 });
}, 300_000);

test('(c) every event delivered three times: all counts still exact', async () => {
  const f = await tripleDeliveryDrill(stack, { uploads: 15 });
  expect(f).toMatchObject({ sent: 15, processed: 15, ...exact, deliveries: 15 * 3 * 2, distinctEvents: 15, deadLettered: 0 });
}, 300_000);

test('(b) a handler crash dead-letters the events; the redrive processes each exactly once', async () => {
  const f = await dlqRedriveDrill(stack, { uploads: 8 });
  // Both functions (pattern 1 and the audit trail) failed every attempt: nothing happened yet.
  expect(f).toMatchObject({ deadLettered: 16, effectsDuringOutage: 0, redriven: 16, redriveFailed: 0 });
  expect(f).toMatchObject({ sent: 8, processed: 8, ...exact, deadLetteredAfterRedrive: 0 });
}, 300_000);

test('(a) the hourly batch crashes midway, and the emulator is killed and restarted during the retry: every object counts once', async () => {
  const f = await batchCrashDrill(stack, { objects: 24, rows: 5, crashAfter: 6, emulatorDownMs: 1000 });
  expect(f.firstOutcome).toMatch(/^crashed/);
  expect(f.doneAtCrash).toBeLessThan(24);
  expect(f.remainingAtCrash).toBeGreaterThan(0);
  // Lambda's own retry of the crashed event finishes the hour (no idempotency record blocks it),
  // directly or, if the emulator's restart outlasted every attempt, through the DLQ redrive.
  expect(f.retryOfSameEvent).toMatch(/(^|redriven, )completed the batch$/);
  expect(f.emulatorKilledMidRun).toBe(true);
  expect(f).toMatchObject({ sent: 24, processed: 24, ...exact, succeeded: 24, rowsCounted: 24 * 5, originalsLeft: 0, deleteMarkers: 24, versionsKept: 24 });
  expect(f.bytesCounted).toBe(f.bytesExpected);
}, 300_000);

import { randomUUID } from 'node:crypto';
import { contextFromStack } from '../../local/demo/context';
import type { DemoContext } from '../../local/demo/types';
import { checkAuditTrail, checkFanOut, checkHourlyBatch, checkReplicaProcessing, checkUploadProcessing } from '../../local/demo/pattern-checks';
import { useLocalStack } from '../support/local-stack';

/**
 * Patterns 1–4 and the audit trail end to end on the whole local stack: the project's synthesized
 * templates provisioned into moto, S3 events routed by the synthesized rules to the real bundles.
 * The checks are the demo flows' (local/demo/pattern-checks.ts); they upload through the SDK and
 * observe results over the wire only.
 */
const stack = useLocalStack();

function demoContext(): DemoContext {
  return contextFromStack(stack(), `e2e-${randomUUID().slice(0, 8)}`);
}

test('pattern 1: a CSV upload is analysed into kvstore and notified once', async () => {
  const ctx = demoContext();
  await checkUploadProcessing(ctx);
  await stack().waitForIdle();
  const notes = (await stack().notifications()).filter((n) => n.message.includes(`uploads/${ctx.runId}/demo.csv`));
  expect(notes).toHaveLength(1);
  expect(JSON.parse(notes[0]!.message)).toMatchObject({ status: 'succeeded', rowCount: 3 });
});

test('pattern 2: raw-data JSON fans out to three stages and joins once', async () => {
  await checkFanOut(demoContext());
});

test('pattern 3: the hourly tick processes the previous hour and deletes originals', async () => {
  await checkHourlyBatch(demoContext());
});

test('pattern 4: critical/ is replicated and processed in the replica region', async () => {
  await checkReplicaProcessing(demoContext());
});

test('audit trail: created and deleted events are queryable per key', async () => {
  await checkAuditTrail(demoContext());
});

test('every function ran under its own role and was denied nothing (policies enforced)', async () => {
  await stack().waitForIdle();
  expect(stack().iamMode).toBe('enforce');
  expect(stack().denials().map((d) => `${d.principal} ${d.action} ${d.resource} ${d.reason}`)).toEqual([]);
});

import { randomUUID } from 'node:crypto';
import { contextFromStack } from '../../local/demo/context';
import type { DemoContext } from '../../local/demo/types';
import { checkArtifacts, checkCodegen, checkDatasetLineage, checkLogAnalysis } from '../../local/demo/scenario-checks';
import { useLocalStack } from '../support/local-stack';

/**
 * The seed's four scenarios end to end on the whole local stack: synthesized templates provisioned
 * into moto, S3 events routed by the synthesized rules to the real esbuild bundles, the hourly
 * rule fired by tick. The checks are the demo flows' (local/demo/scenario-checks.ts).
 */
const stack = useLocalStack();

function demoContext(): DemoContext {
  return contextFromStack(stack(), `e2e-${randomUUID().slice(0, 8)}`);
}

test('scenario 1: four agents upload components; validated, merged into merged/ once, notified', async () => {
  await checkCodegen(demoContext());
});

test('scenario 2: the hourly job reports the hour’s ERROR lines and raises the spike alert', async () => {
  await checkLogAnalysis(demoContext());
});

test('scenario 3: after v1 then v2, a minted rollback link serves v1’s exact version', async () => {
  await checkArtifacts(demoContext());
});

test('scenario 4: a tampered dataset is caught and alerted; the model is linked to its dataset', async () => {
  await checkDatasetLineage(demoContext());
  await stack().waitForIdle();
});

test('every function ran under its own role and was denied nothing (policies enforced)', async () => {
  await stack().waitForIdle();
  expect(stack().iamMode).toBe('enforce');
  expect(stack().denials().map((d) => `${d.principal} ${d.action} ${d.resource} ${d.reason}`)).toEqual([]);
});

/**
 * `npm run cost`: the monthly cost table for the seed's usage levels, computed from the lifecycle
 * rules of the storage bucket in the synthesized dev template (every environment shares them).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../cli/shared/errors';
import { loadEnvironmentConfig, resourceNames } from '../lib/config';
import { StorageStack } from '../lib/stacks/storage-stack';
import { EU_CENTRAL_1_PRICES, costTable, lifecycleRulesFromCfn } from '../lib/cost/lifecycle-cost';

export function storageBucketProperties(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  // The storage stack alone, exactly as bin/app.ts builds it; no function is needed to read it.
  const config = loadEnvironmentConfig('dev');
  const app = new App({ context: cdkJson.context });
  const storage = new StorageStack(app, resourceNames('dev').stacks.storage, { env: { region: config.primaryRegion }, config });
  const id = storage.getLogicalId(storage.bucket.node.defaultChild as s3.CfnBucket);
  const resources = Template.fromStack(storage).toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
  const bucket = resources[id];
  if (!bucket) throw new Error(`storage bucket ${id} not found in the synthesized template`);
  return bucket.Properties;
}

if (require.main === module) {
  void runMain('cost', async () => {
    console.log(costTable(lifecycleRulesFromCfn(storageBucketProperties()), EU_CENTRAL_1_PRICES));
  });
}

import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EnvironmentName } from '../../lib/config';
import { BuiltEnv, buildEnv } from './app-fixture';

/**
 * The storage layer of every environment, built once per test file, for the template-level tests
 * storage*.test.ts. Every expected number in those tests is the seed's literal value, never read from
 * lib/config.ts: changing a seed value in the code must fail a test named after the requirement it breaks.
 */

export type Json = Record<string, unknown>;
export const envs: Record<EnvironmentName, BuiltEnv> = {
  dev: buildEnv('dev', { bundle: false }),
  staging: buildEnv('staging', { bundle: false }),
  prod: buildEnv('prod', { bundle: false }),
};
export const dev = envs.dev.stacks;
export const storage = Template.fromStack(dev.storage);
export const replica = Template.fromStack(dev.replicaStorage);

export function resourceOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): Json {
  const id = stack.getLogicalId(construct.node.defaultChild as s3.CfnBucket);
  return (Template.fromStack(stack).toJSON().Resources as Record<string, Json>)[id] as Json;
}

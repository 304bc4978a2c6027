import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobStacks, buildApp } from '../../lib/app';
import { EnvironmentName, loadEnvironmentConfig } from '../../lib/config';

export const ROOT = join(__dirname, '..', '..');

/** The feature flags `cdk synth` reads from cdk.json; an App built in-process must get them too. */
export const CDK_CONTEXT: Record<string, unknown> = (
  JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface BuiltEnv {
  readonly app: App;
  readonly stacks: BlobStacks;
}

/**
 * One environment's stacks in a fresh App. `bundle: false` skips esbuild through CDK's own
 * `aws:cdk:bundling-stacks` switch: assertion tests on storage and alarms never look inside a
 * function's code, and the validation suite bundles every function for real.
 */
export function buildEnv(name: EnvironmentName, options: { bundle?: boolean; nag?: boolean; outdir?: string } = {}): BuiltEnv {
  const context = { ...CDK_CONTEXT, ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) };
  const app = new App({ context, outdir: options.outdir });
  const stacks = buildApp(app, loadEnvironmentConfig(name), { nag: options.nag });
  return { app, stacks };
}

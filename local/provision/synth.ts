import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { LOCAL_DIR, ROOT } from '../paths';

/** What the app's templates and bundles depend on; any change means a fresh synth. */
const APP_INPUTS = ['bin', 'lib', 'lambda', 'core', 'package-lock.json', 'cdk.json'];

function hashTree(paths: string[], extra: string): string {
  const h = createHash('sha256').update(extra);
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== 'node_modules') walk(join(p, name));
    } else {
      h.update(relative(ROOT, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  for (const p of paths) walk(p);
  return h.digest('hex');
}

export interface SynthResult {
  readonly dir: string;
  /** False when the cached assembly matched the inputs. */
  readonly synthesized: boolean;
  readonly seconds: number;
}

/**
 * Synthesizes `build` into `dir` unless `dir` already holds an assembly made from the same inputs.
 * Writes to a temporary sibling and renames it into place, so concurrent starts (two jest workers)
 * never see a half-written assembly.
 */
export function synthCached(dir: string, inputs: string[], key: string, build: (app: App) => Promise<void>, context: Record<string, unknown>): Promise<SynthResult> {
  const started = Date.now();
  const hash = hashTree(inputs, key);
  const stamp = join(dir, '.inputs-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    return Promise.resolve({ dir, synthesized: false, seconds: (Date.now() - started) / 1000 });
  }
  return (async () => {
    // aws-cdk-lib takes seconds to load: only a cache miss pays for it.
    const { App: CdkApp } = await import('aws-cdk-lib');
    mkdirSync(join(dir, '..'), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      const app = new CdkApp({ outdir: tmp, context });
      await build(app);
      app.synth();
      writeFileSync(join(tmp, '.inputs-hash'), hash);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process won the race with the same inputs: use its copy.
      rmSync(tmp, { recursive: true, force: true });
      if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash)) throw err;
    }
    return { dir, synthesized: true, seconds: (Date.now() - started) / 1000 };
  })();
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** The project's app for one environment, with cdk.json's context, exactly as `cdk synth -c env=<env>`. */
/**
 * `dir` defaults to .local/cdk.out-<env>. A running local copy loads bundles from there, so a forced
 * synth (cold-start measurements) should use a directory of its own.
 */
export async function synthEnvironment(env: string, options: { force?: boolean; dir?: string } = {}): Promise<SynthResult> {
  const dir = options.dir ?? join(LOCAL_DIR, `cdk.out-${env}`);
  if (options.force) rmSync(join(dir, '.inputs-hash'), { force: true });
  return synthCached(
    dir,
    APP_INPUTS.map((p) => join(ROOT, p)),
    `env=${env}`,
    async (app) => {
      const { buildApp } = await import('../../lib/app');
      const { loadEnvironmentConfig } = await import('../../lib/config');
      buildApp(app, loadEnvironmentConfig(env, { account: process.env.CDK_DEPLOY_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT }));
    },
    // The CDK CLI sets asset metadata on; the local runtime finds each bundle through it.
    { ...cdkJsonContext(), env, 'aws:cdk:enable-asset-metadata': true },
  );
}

export { cdkJsonContext };

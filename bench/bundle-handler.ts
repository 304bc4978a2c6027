import { build } from 'esbuild';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Bundles lambda/<name>.ts the way the stacks do (lib/constructs/event-function.ts: minified CJS,
 * everything bundled including the AWS SDK, its ES builds preferred) into `outDir`, so a benchmark
 * measures the code Lambda runs. Returns the bundle's path.
 */
export async function bundleHandler(
  name: string,
  outDir: string,
  options: { sourcemap?: boolean; outfile?: string; target?: string; externalSdk?: boolean } = {},
): Promise<string> {
  const outfile = join(outDir, options.outfile ?? `${name}.js`);
  await build({
    entryPoints: [join(ROOT, 'lambda', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: options.target ?? 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: options.sourcemap ?? false,
    // externalSdk: the options CDK passed before the SDK was bundled (bench/scenarios/lambda-init.ts compares both).
    ...(options.externalSdk ? { external: ['@aws-sdk/*'] } : { mainFields: ['module', 'main'] }),
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

import { build } from 'esbuild';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Bundles lambda/<name>.ts the way the stacks do (lib/constructs/event-function.ts: minified CJS,
 * everything bundled including the AWS SDK, its ES builds preferred) into `outDir`, so a benchmark
 * measures the code Lambda runs. Returns the bundle's path.
 */
export async function bundleHandler(name: string, outDir: string, options: { sourcemap?: boolean } = {}): Promise<string> {
  const outfile = join(outDir, `${name}.js`);
  await build({
    entryPoints: [join(ROOT, 'lambda', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: options.sourcemap ?? false,
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT } from '../cli/shared/cli-errors';
import { runMain } from '../cli/shared/errors';
import type { BenchScenario } from './types';

/**
 * npm run bench [-- --only name] [-- --quick]: runs every scenario in bench/scenarios/ in turn and
 * writes bench/results/<name>.json (figures plus machine facts) and a summary line per scenario.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const quick = args.includes('--quick');
  const dir = join(__dirname, 'scenarios');
  const outDir = join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  // Scenario files are named after their scenario: filter before importing, because importing a
  // scenario can be expensive (some synthesize the CDK app at load).
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && (!only || f.replace(/\.ts$/, '').includes(only)))
    .sort();
  let failed = 0;
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { default: BenchScenario | { default: BenchScenario } };
    const scenario = ('run' in mod.default ? mod.default : mod.default.default) as BenchScenario;
    if (only && !scenario.name.includes(only)) continue;
    const log = (line: string) => console.log(`[${scenario.name}] ${line}`);
    log(scenario.description);
    const started = new Date().toISOString();
    try {
      const figures = await scenario.run({ quick, log });
      const record = {
        scenario: scenario.name,
        description: scenario.description,
        started,
        finished: new Date().toISOString(),
        quick,
        machine: { node: process.version, platform: process.platform, arch: process.arch, cpus: (await import('node:os')).cpus().length },
        figures,
      };
      writeFileSync(join(outDir, `${scenario.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
      log(`ok ${JSON.stringify(figures)}`);
    } catch (err) {
      failed++;
      log(`FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }
  if (failed) throw new CliError(`${failed} of ${files.length} scenarios failed`, EXIT.FAILURE, 'see the FAILED lines above');
}

// Exit even if a failed scenario left a worker or an emulator behind.
void runMain('bench', main, { exitOnError: true });

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchScenario } from '../types';
import { timeRuns } from '../stats';
import { KvQueue } from '../../cli/kvstore/kvstore-queue';
import { createKvTable } from '../../test/core/kvstore-fixture';
import { awsEnvFor, startMoto } from '../../test/support/moto';

/**
 * kvstore CLI cost per invocation (process start dominates for shell scripts) against the AWS CLI
 * doing the same DynamoDB update on the same endpoint in the same run, plus in-process throughput
 * of counters and of a queue drained by 5 concurrent consumers.
 */
const ROOT = join(__dirname, '..', '..');

const scenario: BenchScenario = {
  name: 'kvstore-cli',
  description: 'kvstore: CLI start-up and inc latency vs aws dynamodb update-item; in-process inc and queue throughput',
  async run({ quick, log }) {
    spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'kvstore'], { stdio: 'inherit' });
    const moto = await startMoto();
    try {
      const env = { ...process.env, ...awsEnvFor(moto.endpoint), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      Object.assign(process.env, env);
      const kv = await createKvTable(moto.endpoint, 'bench-kv');
      const n = quick ? 5 : 15;

      const helpShim = timeRuns(n, process.execPath, [join(ROOT, 'bin', 'kvstore.cjs'), '--help'], env);
      const helpBundle = timeRuns(n, process.execPath, [join(ROOT, 'dist', 'kvstore.cjs'), '--help'], env);
      log(`start-up (--help): shim ${helpShim} ms, bundle alone ${helpBundle} ms`);
      const incCli = timeRuns(n, process.execPath, [join(ROOT, 'bin', 'kvstore.cjs'), '--table', 'bench-kv', 'inc', 'bench/cli'], env);
      const aws = join(ROOT, '.venv', 'bin', 'aws');
      const incAws = timeRuns(n, aws, [
        'dynamodb', 'update-item', '--table-name', 'bench-kv',
        '--key', '{"pk":{"S":"bench"},"sk":{"S":"bench/aws"}}',
        '--update-expression', 'ADD #v :one', '--expression-attribute-names', '{"#v":"value"}',
        '--expression-attribute-values', '{":one":{"N":"1"}}', '--return-values', 'UPDATED_NEW',
      ], env);
      log(`inc per invocation: kvstore ${incCli} ms, aws dynamodb update-item ${incAws} ms`);

      const ops = quick ? 100 : 400;
      let t = performance.now();
      for (let i = 0; i < ops; i++) await kv.increment('bench/inproc');
      const incPerSec = Math.round(ops / ((performance.now() - t) / 1000));

      const queue = new KvQueue(kv);
      const items = quick ? 100 : 300;
      t = performance.now();
      for (let i = 0; i < items; i++) await queue.push('bench/q', i);
      const pushPerSec = Math.round(items / ((performance.now() - t) / 1000));
      t = performance.now();
      const drained = await Promise.all(
        Array.from({ length: 5 }, async () => {
          let got = 0;
          while (await queue.pop('bench/q')) got++;
          return got;
        }),
      );
      const popPerSec = Math.round(items / ((performance.now() - t) / 1000));
      if (drained.reduce((a, b) => a + b, 0) !== items) throw new Error(`drained ${drained.join('+')} of ${items}`);
      log(`in-process: inc ${incPerSec}/s, push ${pushPerSec}/s, pop (5 consumers) ${popPerSec}/s`);

      return {
        cli_startup_help_ms_shim: helpShim,
        cli_startup_help_ms_bundle: helpBundle,
        cli_inc_ms: incCli,
        aws_cli_update_item_ms: incAws,
        aws_over_kvstore_ratio: Number((incAws / incCli).toFixed(2)),
        inproc_inc_per_s: incPerSec,
        inproc_queue_push_per_s: pushPerSec,
        inproc_queue_pop_5_consumers_per_s: popPerSec,
        runs_per_cli_figure: n,
      };
    } finally {
      await moto.stop();
    }
  },
};

export default scenario;

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { runMain } from '../../cli/shared/errors';
import type { DemoContext, DemoFlow } from './types';
import { contextFromStack } from './context';
import { control, InstanceRecord, readInstance } from '../instance';
import { LocalStack, startLocalStack } from '../stack';

/**
 * npm run demo [-- --only <substring>] [--env dev]: runs every flow in local/demo/flows/ against the
 * running local copy (or one it starts and stops), prints flow | result | latency | detail, and
 * exits non-zero when any flow fails.
 */
export interface FlowOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly latencyMs?: number;
  readonly detail: string;
  readonly seconds: number;
}

export async function loadFlows(dir = join(__dirname, 'flows')): Promise<DemoFlow[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const flows: DemoFlow[] = [];
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { default: DemoFlow | { default: DemoFlow } };
    const flow = 'run' in mod.default ? mod.default : mod.default.default;
    if (typeof flow?.run !== 'function') throw new Error(`${file} does not default-export a DemoFlow ({ name, run })`);
    flows.push(flow);
  }
  // Array.prototype.sort is stable: equal orders keep file order.
  return flows.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}


function contextFromInstance(rec: InstanceRecord, runId: string): DemoContext {
  return {
    env: rec.env,
    endpoint: rec.endpoint,
    region: rec.region,
    replicaRegion: rec.replicaRegion,
    ...rec.outputs,
    awsEnv: rec.awsEnv,
    tick: async (rule) => {
      await control(rec, 'POST', '/tick', { rule });
    },
    runId,
  };
}

export async function runFlows(ctx: DemoContext, flows: DemoFlow[], onResult: (o: FlowOutcome) => void = () => undefined): Promise<FlowOutcome[]> {
  const outcomes: FlowOutcome[] = [];
  for (const flow of flows) {
    const started = Date.now();
    let outcome: FlowOutcome;
    try {
      const r = await flow.run(ctx);
      outcome = { name: flow.name, ok: true, latencyMs: r.latencyMs, detail: r.detail, seconds: (Date.now() - started) / 1000 };
    } catch (err) {
      outcome = { name: flow.name, ok: false, detail: ((err as Error).message ?? String(err)).split('\n')[0] as string, seconds: (Date.now() - started) / 1000 };
    }
    outcomes.push(outcome);
    onResult(outcome);
  }
  return outcomes;
}

export function table(outcomes: FlowOutcome[]): string {
  const rows = [['flow', 'result', 'latency', 'detail'], ...outcomes.map((o) => [o.name, o.ok ? 'ok' : 'FAIL', o.latencyMs === undefined ? '-' : `${o.latencyMs} ms`, o.detail])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i] as number) : c)).join(' | ');
  return [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('-|-') + '-|-------', ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const o = new Command('demo')
    .option('--env <name>', 'environment when starting a local copy', 'dev')
    .option('--only <substring>', 'run only flows whose name contains this')
    .parse()
    .opts<{ env: string; only?: string }>();
  const runId = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14);
  const rec = readInstance();
  let stack: LocalStack | undefined;
  let ctx: DemoContext;
  if (rec) {
    console.log(`using the running local copy (pid ${rec.pid}, ${rec.env}, ${rec.endpoint})`);
    ctx = contextFromInstance(rec, runId);
  } else {
    console.log('no local copy running: starting one for this demo');
    stack = await startLocalStack({ env: o.env, quiet: true });
    ctx = contextFromStack(stack, runId);
  }
  try {
    const flows = (await loadFlows()).filter((f) => !o.only || f.name.includes(o.only));
    const outcomes = await runFlows(ctx, flows, (r) => console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`));
    console.log(`\n${table(outcomes)}\n`);
    const failed = outcomes.filter((x) => !x.ok).length;
    console.log(failed ? `${failed} of ${outcomes.length} flows failed` : `all ${outcomes.length} flows ok`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await stack?.stop();
  }
}

if (require.main === module) void runMain('demo', main, { exitOnError: true });

import { Command } from 'commander';
import { CliError, EXIT } from '../cli/shared/cli-errors';
import { runMain } from '../cli/shared/errors';
import { acquireLock, control, readInstance, removeInstance, startControlServer, writeInstance } from './instance';
import { assertLocalEnvironment, LocalStack, startLocalStack } from './stack';

/**
 * npm run local [-- --env staging] [--port N] [--json] [--no-tail]
 * npm run local -- --tick <rule>      fire a scheduled rule in the running local copy
 */
interface Options {
  env: string;
  port?: string;
  json?: boolean;
  tail: boolean;
  tick?: string;
  iam: string;
}

const IAM_MODES = ['enforce', 'warn', 'off'] as const;

function summary(stack: LocalStack): string[] {
  const p = stack.provisioned();
  const byType = new Map<string, number>();
  for (const note of p.notEmulated) {
    const type = /\((AWS::[A-Za-z0-9:]+|Custom::[^)]+)\)/.exec(note)?.[1] ?? 'other';
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  const o = stack.outputs;
  const t = stack.timings;
  return [
    `blob local copy: environment ${stack.env}`,
    `  endpoint        ${stack.endpoint}`,
    `  regions         ${stack.region} (replica ${stack.replicaRegion})`,
    `  bucket          ${o.bucket}`,
    `  replica bucket  ${o.replicaBucket}`,
    `  kvstore table   ${o.table} (replica region: ${o.replicaTable})`,
    `  audit table     ${o.auditTable}`,
    `  topic           ${o.topicArn}`,
    `  stacks          ${p.stacks.map((s) => `${s.name} (${s.region})`).join(', ')}`,
    `  functions       ${p.functions.length}; rules ${p.rules.length} (${p.rules.filter((r) => r.schedule).length} scheduled: fire with npm run local -- --tick <rule>)`,
    `  not emulated    ${[...byType].map(([k, v]) => `${k} x${v}`).join(', ') || 'nothing'} (README "Local copy")`,
    `  policies        ${stack.iamMode === 'enforce' ? 'enforced' : stack.iamMode === 'warn' ? 'evaluated, denials only logged (--iam warn)' : 'not evaluated (--iam off)'}: each function runs as its own role; the credentials below are the account's administrator`,
    `  timings         synth ${t.synthesized ? `${t.synthSeconds.toFixed(1)} s` : 'cached'}, moto ${t.emulatorSeconds.toFixed(1)} s, provision ${t.provisionSeconds.toFixed(1)} s`,
    '',
    `export AWS_ENDPOINT_URL=${stack.endpoint} AWS_REGION=${stack.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    '',
  ];
}

async function tick(rule: string): Promise<void> {
  const rec = readInstance();
  if (!rec) throw new CliError('no local copy is running', EXIT.CONFIG, 'start one with npm run local');
  const result = await control<{ rule: string; outcomes: string[] }>(rec, 'POST', '/tick', { rule });
  console.log(JSON.stringify(result));
}

async function run(o: Options): Promise<void> {
  const started = Date.now();
  assertLocalEnvironment(o.env);
  const port = o.port === undefined ? undefined : Number(o.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new CliError(`--port ${o.port} is not a port number`, EXIT.USAGE, 'give 1-65535, or leave it out for a free port');
  }
  if (!(IAM_MODES as readonly string[]).includes(o.iam)) {
    throw new CliError(`--iam ${o.iam} is not a mode`, EXIT.USAGE, `use one of ${IAM_MODES.join(', ')}`);
  }
  const lock = acquireLock();
  if (!lock.ok) {
    const rec = readInstance();
    throw new CliError(
      `a local copy is already running (pid ${lock.holder}${rec ? `, environment ${rec.env}, ${rec.endpoint}` : ', still starting'})`,
      EXIT.CONFLICT,
      `use it, or stop it with Ctrl-C in its terminal (kill ${lock.holder})`,
    );
  }
  // In --json mode stdout carries only the ready line; everything else goes to stderr.
  const log = o.json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
  let stack: LocalStack | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    removeInstance(process.pid);
    await stack?.stop().catch(() => undefined);
    lock.release();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    stack = await startLocalStack({
      env: o.env,
      port,
      tail: o.tail,
      output: log,
      iam: o.iam as (typeof IAM_MODES)[number],
      // --json: denials are events on stdout (one JSON object per line), like the ready line.
      ...(o.json ? { onDenial: (e) => console.log(JSON.stringify(e)) } : {}),
    });
  } catch (err) {
    lock.release();
    throw err;
  }
  const { url } = await startControlServer(stack);
  writeInstance({
    pid: process.pid,
    env: stack.env,
    endpoint: stack.endpoint,
    port: stack.port,
    controlUrl: url,
    region: stack.region,
    replicaRegion: stack.replicaRegion,
    outputs: stack.outputs,
    awsEnv: stack.awsEnv,
    startedAt: new Date().toISOString(),
  });
  const seconds = (Date.now() - started) / 1000;
  if (o.json) {
    console.log(JSON.stringify({ ready: true, seconds, env: stack.env, endpoint: stack.endpoint, region: stack.region, replicaRegion: stack.replicaRegion, outputs: stack.outputs, timings: stack.timings, controlUrl: url }));
  } else {
    for (const line of summary(stack)) console.log(line);
    console.log(`ready in ${seconds.toFixed(1)} s (Ctrl-C stops moto and every worker; state lives in memory only)`);
  }
}

async function main(): Promise<void> {
  const program = new Command('local')
    .description('run the whole stack on this machine: moto + the local Lambda runtime, provisioned from cdk.out')
    .option('--env <name>', 'environment to provision', 'dev')
    .option('--port <n>', 'port of the local AWS endpoint (default: a free loopback port)')
    .option('--iam <mode>', 'policy enforcement: enforce (refuse what the policies deny), warn (log denials only), off', 'enforce')
    .option('--json', 'print one machine-readable ready line, and each policy denial as a JSON event')
    .option('--no-tail', 'do not print SNS notifications')
    .option('--tick <rule>', 'fire a scheduled rule in the running local copy and exit')
    .parse();
  const o = program.opts<Options>();
  if (o.tick) await tick(o.tick);
  else await run(o);
}

// A failed start may leave workers or the emulator behind: exit rather than wait for them.
void runMain('local', main, { exitOnError: true });

import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { rmSync } from 'node:fs';
import { CliError, EXIT } from '../cli/shared/cli-errors';
import { ENVIRONMENT_NAMES, isEnvironmentName, loadEnvironmentConfig, resourceNames } from '../lib/config';
import { readAssembly } from './provision/assembly';
import { ClientPool, LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, localAwsEnv } from './emulator/clients';
import { Emulator, ensureVenv, freePort, startEmulator } from './emulator/moto';
import { CredentialRegistry, Credentials } from './iam/credentials';
import { PolicyEvaluator } from './iam/evaluate';
import { assertLambdaCanAssume } from './iam/lambda-trust';
import { DenialEvent, Gateway, IamMode, denialLine, startGateway } from './iam/gateway';
import { PolicyStore, collectPolicies } from './iam/policies';
import { ResourceDirectory, buildDirectory } from './iam/resource-directory';
import { LocalFunction, provision, Provisioned } from './provision';
import { DeliveryOutcome, LocalRuntime, Notification, lambdaEnvironment } from './runtime';
import { serveLambda } from './runtime/lambda-api';
import type { ReplicationRecord } from './runtime/replicator';
import { synthEnvironment } from './provision/synth';

export interface LocalStackOptions {
  /** dev (default), staging or prod. */
  readonly env?: string;
  /** Port of the local AWS endpoint (the policy-enforcing gateway); a free loopback port when omitted. */
  readonly port?: number;
  /**
   * Policy enforcement: `enforce` (default) refuses what the templates' policies do not allow,
   * `warn` logs the denial and lets the request through, `off` forwards everything unchecked.
   */
  readonly iam?: IamMode;
  /** Called for every denial (also in warn mode); the default prints one line unless quiet. */
  readonly onDenial?: (event: DenialEvent) => void;
  /** No console output (tests). */
  readonly quiet?: boolean;
  /** Waits between the async-invocation retries (AWS: about 60 s and 120 s). Default [1000, 2000]. */
  readonly retryDelaysMs?: number[];
  /** A synthesized cloud assembly to run instead of the project's app (test fixtures). */
  readonly cdkOut?: string;
  /** Print SNS notifications as they arrive. Default: !quiet. */
  readonly tail?: boolean;
  /** Concurrent execution environments per function (default 4). */
  readonly concurrency?: number;
  /** Synthesize even when the cached assembly matches (cold-start measurements). */
  readonly forceSynth?: boolean;
  /** Where to synthesize (default .local/cdk.out-<env>). */
  readonly synthDir?: string;
  /** Where runtime output goes; default console.log unless quiet. */
  readonly output?: (line: string) => void;
}

export interface LocalStackOutputs {
  readonly bucket: string;
  readonly replicaBucket: string;
  readonly table: string;
  readonly replicaTable: string;
  readonly auditTable: string;
  readonly topicArn: string;
}

export interface StartTimings {
  readonly venvSeconds: number;
  readonly synthSeconds: number;
  readonly synthesized: boolean;
  readonly emulatorSeconds: number;
  readonly provisionSeconds: number;
  readonly totalSeconds: number;
}

export interface LocalStack {
  readonly endpoint: string;
  readonly port: number;
  readonly env: string;
  readonly region: string;
  readonly replicaRegion: string;
  readonly outputs: LocalStackOutputs;
  /** AWS_ENDPOINT_URL, AWS_REGION and the account administrator's credentials for SDK clients and CLI subprocesses. */
  readonly awsEnv: Record<string, string>;
  readonly iamMode: IamMode;
  /** Every denial since start (the most recent 10,000). */
  denials(): DenialEvent[];
  /** The policies in force, as the gateway evaluates them. */
  policies(): PolicyStore;
  /** Temporary credentials of a role from the templates (what sts:AssumeRole would return). */
  assumeRole(roleArn: string, sessionName: string, options?: { tags?: Record<string, string>; durationSeconds?: number }): Credentials;
  /** The environment a Lambda execution environment of `fn` sees, with a session of its own role. */
  functionEnvironment(fn: LocalFunction): Record<string, string>;
  readonly timings: StartTimings;
  /** What was provisioned: stacks with physical ids, functions, rules, buckets, not-emulated notes. */
  provisioned(): Provisioned;
  /** Fires a scheduled rule (logical id, name or unique substring) and waits for its invocations. */
  tick(rule: string): Promise<DeliveryOutcome[]>;
  /** Waits until nothing is queued or running (invocations, retries, replication, notifications). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Every SNS message published so far, from the queue subscribed to each topic. */
  notifications(): Promise<Notification[]>;
  replications(): ReplicationRecord[];
  /** Invocation attempts, failed attempts and events sent to dead-letter queues since start. */
  stats(): { invocations: number; failures: number; deadLettered: number };
  /** Kills moto (failure drills); the runtime keeps retrying until restartEmulator(). */
  stopEmulator(): Promise<void>;
  /** Starts moto again on the same port and re-provisions (moto keeps state in memory only). */
  restartEmulator(): Promise<void>;
  /**
   * Failure drills: kills moto mid-flight, keeps it down for `downMs`, and starts it again on the
   * same port with everything it had stored, as S3 and DynamoDB never lose acknowledged writes.
   * The runtime (Lambda, schedules, replication) keeps running and sees the outage as errors.
   */
  crashEmulator(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export function assertLocalEnvironment(env: string): void {
  if (!isEnvironmentName(env)) {
    throw new CliError(`unknown environment "${env}"`, EXIT.CONFIG, `use one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
}

/** Reads the names the stacks publish (the same SSM parameters the CLIs read on AWS). */
async function readOutputs(endpoint: string, env: string, region: string, replicaRegion: string): Promise<LocalStackOutputs> {
  const p = resourceNames(env as Parameters<typeof resourceNames>[0]).parameters;
  const pool = new ClientPool(endpoint);
  try {
    const get = async (r: string, names: string[]) => {
      const res = await pool.get(r).ssm.send(new GetParametersCommand({ Names: names }));
      return new Map((res.Parameters ?? []).map((x) => [x.Name as string, x.Value as string]));
    };
    const primary = await get(region, [p.bucketName, p.tableName, p.topicArn, p.auditTableName]);
    const replica = await get(replicaRegion, [p.replicaBucketName, p.tableName]);
    return {
      bucket: primary.get(p.bucketName) ?? '',
      table: primary.get(p.tableName) ?? '',
      topicArn: primary.get(p.topicArn) ?? '',
      auditTable: primary.get(p.auditTableName) ?? '',
      replicaBucket: replica.get(p.replicaBucketName) ?? '',
      replicaTable: replica.get(p.tableName) ?? '',
    };
  } finally {
    pool.destroy();
  }
}

/**
 * Synthesizes (cached), starts moto, provisions every stack and starts the local runtime. The one
 * entry point for `npm run local`, the demo, the benchmarks and the end-to-end tests.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const started = Date.now();
  const env = options.env ?? 'dev';
  assertLocalEnvironment(env);
  const config = loadEnvironmentConfig(env);
  const output = options.output ?? (options.quiet ? () => undefined : (line: string) => console.log(line));

  const t0 = Date.now();
  ensureVenv(options.quiet ?? false);
  const venvSeconds = (Date.now() - t0) / 1000;
  const synth = options.cdkOut ? { dir: options.cdkOut, synthesized: false, seconds: 0 } : await synthEnvironment(env, { force: options.forceSynth, dir: options.synthDir });
  const stacks = readAssembly(synth.dir);

  const t1 = Date.now();
  // moto listens on a private port; everything else reaches it through the gateway, which
  // authenticates and authorizes each request first.
  let emulator: Emulator = await startEmulator({ port: await freePort() });
  const emulatorSeconds = (Date.now() - t1) / 1000;
  const iamMode: IamMode = options.iam ?? 'enforce';
  const denials: DenialEvent[] = [];
  let store: PolicyStore = collectPolicies(LOCAL_ACCOUNT_ID, []);
  let directory: ResourceDirectory = buildDirectory(LOCAL_ACCOUNT_ID, []);
  let evaluator = new PolicyEvaluator(store);
  const registry = new CredentialRegistry(() => store, LOCAL_CREDENTIALS);
  const onDenial = options.onDenial ?? ((e: DenialEvent) => output(denialLine(e)));
  /** The runtime answering the Lambda API; none while it is being (re)built. */
  let serving: LocalRuntime | undefined;
  const gateway: Gateway = await startGateway({
    upstream: () => emulator.endpoint,
    mode: iamMode,
    registry,
    evaluator: () => evaluator,
    directory: () => directory,
    port: options.port,
    services: { lambda: (call, res) => serveLambda(serving, call, res) },
    onDenial: (e) => {
      denials.push(e);
      if (denials.length > 10_000) denials.shift();
      onDenial(e);
    },
  });
  const endpoint = gateway.endpoint;
  const sessions = new Map<string, Credentials>();
  /** The Lambda service's session of the function's execution role (renewed an hour before it expires). */
  const functionCredentials = (fn: LocalFunction): Credentials => {
    const cached = sessions.get(fn.arn);
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 3600_000) return cached;
    if (!fn.roleArn) throw new Error(`${fn.logicalId} has no execution role`);
    const creds = registry.assumeRole(fn.roleArn, fn.name, 12 * 3600).credentials;
    sessions.set(fn.arn, creds);
    return creds;
  };

  const bring = async () => {
    const pool = new ClientPool(emulator.endpoint);
    try {
      const provisioned = await provision(stacks, pool);
      store = collectPolicies(LOCAL_ACCOUNT_ID, provisioned.resources, (where, arn) => output(`[iam] ${where}: managed policy ${arn} is unknown locally and grants nothing`));
      directory = buildDirectory(LOCAL_ACCOUNT_ID, provisioned.resources);
      evaluator = new PolicyEvaluator(store);
      sessions.clear();
      if (iamMode !== 'off') await assertLambdaCanAssume(provisioned.functions, evaluator);
      const runtime = new LocalRuntime(provisioned, {
        endpoint: emulator.endpoint,
        functionEndpoint: endpoint,
        functionCredentials,
        retryDelaysMs: options.retryDelaysMs ?? [1000, 2000],
        tail: options.tail ?? !options.quiet,
        concurrency: options.concurrency,
        output,
      });
      await runtime.start();
      serving = runtime;
      return runtime;
    } finally {
      pool.destroy();
    }
  };

  const t2 = Date.now();
  let runtime: LocalRuntime;
  try {
    runtime = await bring();
  } catch (err) {
    await gateway.close();
    await emulator.stop();
    throw err;
  }
  const provisionSeconds = (Date.now() - t2) / 1000;
  const outputs = await readOutputs(endpoint, env, config.primaryRegion, config.replicaRegion);

  let stopped = false;
  const stack: LocalStack = {
    endpoint,
    port: gateway.port,
    env,
    region: config.primaryRegion,
    replicaRegion: config.replicaRegion,
    outputs,
    awsEnv: localAwsEnv(endpoint, config.primaryRegion),
    iamMode,
    denials: () => [...denials],
    policies: () => store,
    assumeRole: (roleArn, sessionName, o = {}) => registry.assumeRole(roleArn, sessionName, o.durationSeconds ?? 3600, o.tags).credentials,
    functionEnvironment: (fn) => lambdaEnvironment(fn, endpoint, functionCredentials(fn)),
    timings: {
      venvSeconds,
      synthSeconds: synth.seconds,
      synthesized: synth.synthesized,
      emulatorSeconds,
      provisionSeconds,
      totalSeconds: (Date.now() - started) / 1000,
    },
    provisioned: () => runtime.provisioned,
    tick: (rule) => runtime.tick(rule),
    waitForIdle: (timeoutMs) => runtime.waitForIdle(timeoutMs),
    notifications: async () => runtime.notifications(),
    replications: () => [...runtime.replicator.records],
    stats: () => ({ ...runtime.stats }),
    stopEmulator: () => emulator.stop(),
    restartEmulator: async () => {
      serving = undefined;
      await runtime.stop();
      await emulator.stop();
      emulator = await startEmulator({ port: emulator.port });
      runtime = await bring();
    },
    crashEmulator: async (downMs) => {
      const state = await emulator.crash();
      try {
        await new Promise((r) => setTimeout(r, downMs));
        emulator = await startEmulator({ port: emulator.port, restoreFrom: state });
      } finally {
        rmSync(state, { force: true });
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      serving = undefined;
      await runtime.stop();
      await gateway.close();
      await emulator.stop();
    },
  };
  return stack;
}

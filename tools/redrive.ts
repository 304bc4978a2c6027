import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Command } from 'commander';
import { clientConfig, endpointFromEnvironment } from '../core/aws-config';
import { CliError, EXIT } from '../cli/shared/cli-errors';
import { assertEnvironmentName } from '../cli/shared/env-resolve';
import { runMain } from '../cli/shared/errors';
import { EnvironmentName, loadEnvironmentConfig, resourceNames } from '../lib/config';

/**
 * npm run redrive -- --env dev [--function <substring>] [--dry-run]
 *
 * Replays every event in each function's dead-letter queue through the function, deleting a
 * message only after the re-invocation is accepted, so an interruption loses nothing (a message may
 * at worst be replayed twice; handlers are idempotent). The functions and their dead-letter queues
 * are read from what is deployed, through the Lambda API (ListFunctions, ListTags,
 * GetFunctionConfiguration), and each event is re-invoked with Invoke (InvocationType Event): the
 * same calls on AWS and against the local copy (AWS_ENDPOINT_URL set), whose runtime serves them.
 */
export interface RedriveTarget {
  readonly functionName: string;
  /** Stack/LogicalId from CloudFormation's tags, else the function name. */
  readonly label: string;
  readonly region: string;
  readonly deadLetterQueueRegion: string;
  readonly deadLetterQueueUrl: string;
}

export interface RedriveCount {
  readonly function: string;
  readonly deadLetterQueue: string;
  readonly waiting: number;
  readonly redriven: number;
  readonly failed: number;
}

export interface RedriveOptions {
  readonly env: string;
  readonly functionFilter?: string;
  readonly dryRun?: boolean;
  /** Overrides AWS_ENDPOINT_URL; set means the local copy. */
  readonly endpoint?: string;
  /** Stop after this many messages per queue (default: until the queue is empty). */
  readonly limit?: number;
}

/**
 * The local copy's administrator, what `npm run local` prints (test/test), for when no credentials
 * are configured; on AWS the SDK's own credential chain applies.
 */
function localCredentials(endpoint: string | undefined) {
  return endpoint && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {};
}

function lambdaClient(endpoint: string | undefined, region: string): LambdaClient {
  return new LambdaClient({ ...clientConfig({ endpoint, region }, 'lambda'), ...localCredentials(endpoint) });
}

function sqsClient(endpoint: string | undefined, region: string): SQSClient {
  return new SQSClient({ ...clientConfig({ endpoint, region }, 'sqs'), ...localCredentials(endpoint) });
}

async function listFunctions(lambda: LambdaClient): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    all.push(...(page.Functions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}

/** What every stack name of the environment starts with (Blob-<env>-), from lib/config.ts. */
function stackPrefix(env: EnvironmentName): string {
  const names = Object.values(resourceNames(env).stacks);
  let prefix = names[0] ?? '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * The environment's functions with an SQS dead-letter queue, in one region. CloudFormation names
 * every function it creates after its stack (Blob-<env>-Pipelines-…), which selects them without a
 * call per function of the account; the `environment` tag lib/app.ts applies then excludes any
 * other app's function that shares the prefix. The queue is the function's own DeadLetterConfig.
 */
async function regionTargets(env: EnvironmentName, region: string, endpoint: string | undefined): Promise<RedriveTarget[]> {
  const prefix = stackPrefix(env);
  const ours = (name: string | undefined) => name !== undefined && name.startsWith(prefix);
  const lambda = lambdaClient(endpoint, region);
  const out: RedriveTarget[] = [];
  try {
    for (const listed of await listFunctions(lambda)) {
      if (!ours(listed.FunctionName) || !listed.FunctionArn) continue;
      const tags = (await lambda.send(new ListTagsCommand({ Resource: listed.FunctionArn }))).Tags ?? {};
      if (tags.environment !== undefined && tags.environment !== env) continue;
      const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: listed.FunctionArn }));
      const dlqArn = config.DeadLetterConfig?.TargetArn;
      if (!dlqArn?.startsWith('arn:aws:sqs:')) continue;
      const [, , , dlqRegion = region, account, queueName] = dlqArn.split(':');
      const sqs = sqsClient(endpoint, dlqRegion);
      try {
        const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: account }))).QueueUrl as string;
        const stackName = tags['aws:cloudformation:stack-name'];
        const logicalId = tags['aws:cloudformation:logical-id'];
        out.push({
          functionName: listed.FunctionName as string,
          label: stackName && logicalId ? `${stackName}/${logicalId}` : (listed.FunctionName as string),
          region,
          deadLetterQueueRegion: dlqRegion,
          deadLetterQueueUrl: url,
        });
      } finally {
        sqs.destroy();
      }
    }
  } finally {
    lambda.destroy();
  }
  return out;
}

async function waitingCount(sqs: SQSClient, url: string): Promise<number> {
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function drain(t: RedriveTarget, options: RedriveOptions, endpoint: string | undefined): Promise<RedriveCount> {
  const sqs = sqsClient(endpoint, t.deadLetterQueueRegion);
  const lambda = lambdaClient(endpoint, t.region);
  let redriven = 0;
  let failed = 0;
  try {
    const waiting = await waitingCount(sqs, t.deadLetterQueueUrl);
    if (options.dryRun) return { function: t.label, deadLetterQueue: t.deadLetterQueueUrl, waiting, redriven, failed };
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    while (redriven + failed < limit) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: t.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
      );
      const messages = res.Messages ?? [];
      if (!messages.length) break;
      for (const m of messages) {
        try {
          // An asynchronous invocation, as the original event was: Lambda retries it and, failing
          // again, dead-letters it again.
          const r = await lambda.send(new InvokeCommand({ FunctionName: t.functionName, InvocationType: 'Event', Payload: Buffer.from(m.Body ?? '{}') }));
          if (r.StatusCode !== 202) throw new Error(`Lambda answered ${r.StatusCode}`);
          // Only now is the event safe elsewhere: delete it from the DLQ.
          await sqs.send(new DeleteMessageCommand({ QueueUrl: t.deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle }));
          redriven++;
        } catch (err) {
          // Left in the DLQ; it becomes visible again after the visibility timeout.
          failed++;
          console.error(`redrive: ${t.label}: ${(err as Error).message} (message kept in the dead-letter queue)`);
        }
      }
      if (failed && redriven === 0) break;
    }
    return { function: t.label, deadLetterQueue: t.deadLetterQueueUrl, waiting, redriven, failed };
  } finally {
    sqs.destroy();
    lambda.destroy();
  }
}

export async function redrive(options: RedriveOptions): Promise<{ env: string; mode: 'local' | 'aws'; dryRun: boolean; functions: RedriveCount[]; redriven: number; failed: number }> {
  const env = assertEnvironmentName(options.env);
  const config = loadEnvironmentConfig(env);
  const endpoint = options.endpoint ?? endpointFromEnvironment('lambda');
  const all: RedriveTarget[] = [];
  for (const region of [config.primaryRegion, config.replicaRegion]) all.push(...(await regionTargets(env, region, endpoint)));
  const filter = options.functionFilter;
  const targets = filter ? all.filter((t) => t.functionName.includes(filter) || t.label.includes(filter)) : all;
  if (filter && !targets.length) {
    throw new CliError(`no function with a dead-letter queue matches "${filter}"`, EXIT.USAGE, `functions: ${all.map((t) => t.label).join(', ') || 'none'}`);
  }
  const functions: RedriveCount[] = [];
  for (const t of targets) functions.push(await drain(t, options, endpoint));
  return {
    env,
    mode: endpoint ? 'local' : 'aws',
    dryRun: options.dryRun ?? false,
    functions,
    redriven: functions.reduce((a, f) => a + f.redriven, 0),
    failed: functions.reduce((a, f) => a + f.failed, 0),
  };
}

async function main(): Promise<void> {
  const program = new Command('redrive')
    .description('replay dead-letter queue messages through their functions')
    .option('--env <name>', 'environment', 'dev')
    .option('--function <substring>', 'only functions whose name or logical id contains this')
    .option('--dry-run', 'count waiting messages, change nothing')
    .parse();
  const o = program.opts<{ env: string; function?: string; dryRun?: boolean }>();
  const result = await redrive({ env: o.env, functionFilter: o.function, dryRun: o.dryRun });
  console.log(JSON.stringify(result, null, 2));
  if (result.failed) process.exitCode = EXIT.UNAVAILABLE;
}

if (require.main === module) void runMain('redrive', main);

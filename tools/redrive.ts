import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Command } from 'commander';
import { clientConfig, endpointFromEnvironment } from '../core/aws-config';
import { CliError, EXIT } from '../cli/shared/cli-errors';
import { assertEnvironmentName } from '../cli/shared/env-resolve';
import { loadEnvironmentConfig } from '../lib/config';
import { readAssembly, TemplateResource } from '../local/provision/assembly';
import { LOCAL_CREDENTIALS } from '../local/emulator/clients';
import { INVOKE_QUEUE_PREFIX } from '../local/provision/naming';
import { LOCAL_TAGS } from '../local/provision/resources/lambda';
import { synthEnvironment } from '../local/provision/synth';

/**
 * npm run redrive -- --env dev [--function <substring>] [--dry-run]
 *
 * Replays every event in each function's dead-letter queue (the queue its template's
 * DeadLetterConfig names) through the function, deleting a message only after the re-invocation is
 * accepted, so an interruption loses nothing (a message may at worst be replayed twice; handlers
 * are idempotent). On AWS it invokes with Lambda InvokeCommand (InvocationType Event); against the
 * local copy (AWS_ENDPOINT_URL set) it sends to the function's local invoke queue.
 */
export interface RedriveTarget {
  readonly functionName: string;
  readonly label: string;
  readonly region: string;
  readonly deadLetterQueueUrl: string;
  /** Local copy only: where the runtime picks up invocations. */
  readonly invokeQueueUrl?: string;
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

/** The local copy accepts any credentials; supply its dummy ones when none are configured. */
function localCredentials(endpoint: string | undefined) {
  return endpoint && !process.env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {};
}

/** The local copy tags each function's invoke queue with the function and its DLQ (see local/provision.ts). */
async function localTargets(endpoint: string, regions: string[]): Promise<RedriveTarget[]> {
  const out: RedriveTarget[] = [];
  for (const region of regions) {
    const sqs = new SQSClient({ ...clientConfig({ endpoint, region }, 'sqs'), ...localCredentials(endpoint) });
    try {
      const list = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: INVOKE_QUEUE_PREFIX, MaxResults: 1000 }));
      for (const url of list.QueueUrls ?? []) {
        const tags = (await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
        const dlqArn = tags[LOCAL_TAGS.deadLetterQueueArn];
        if (!dlqArn) continue;
        const [, , , dlqRegion, account, name] = dlqArn.split(':');
        const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))).QueueUrl as string;
        out.push({
          functionName: tags[LOCAL_TAGS.function] ?? url,
          label: tags[LOCAL_TAGS.logicalId] ?? url,
          region: dlqRegion ?? region,
          deadLetterQueueUrl: dlqUrl,
          invokeQueueUrl: url,
        });
      }
    } finally {
      sqs.destroy();
    }
  }
  return out;
}

/** On AWS: functions and DLQs from the synthesized templates, physical ids from CloudFormation. */
async function awsTargets(env: string): Promise<RedriveTarget[]> {
  const synth = await synthEnvironment(env);
  const out: RedriveTarget[] = [];
  for (const stack of readAssembly(synth.dir)) {
    const fns = Object.entries(stack.template.Resources ?? {}).filter(
      ([, r]: [string, TemplateResource]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.DeadLetterConfig,
    );
    if (!fns.length) continue;
    const cfn = new CloudFormationClient(clientConfig({ region: stack.region }, 'cloudformation'));
    const resources: StackResourceSummary[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await cfn.send(new ListStackResourcesCommand({ StackName: stack.name, NextToken: token }));
        resources.push(...(page.StackResourceSummaries ?? []));
        token = page.NextToken;
      } while (token);
    } catch (err) {
      throw new CliError(`cannot list resources of stack ${stack.name} in ${stack.region}: ${(err as Error).message}`, EXIT.CONFIG, 'is the stack deployed and are credentials for its account set?');
    } finally {
      cfn.destroy();
    }
    const physical = new Map(resources.map((r) => [r.LogicalResourceId, r.PhysicalResourceId]));
    for (const [logicalId, r] of fns) {
      const target = (r.Properties?.DeadLetterConfig as { TargetArn?: unknown }).TargetArn;
      const dlqLogicalId = Array.isArray((target as { 'Fn::GetAtt'?: unknown[] })?.['Fn::GetAtt'])
        ? String((target as { 'Fn::GetAtt': unknown[] })['Fn::GetAtt'][0])
        : undefined;
      const functionName = physical.get(logicalId);
      const dlqUrl = dlqLogicalId ? physical.get(dlqLogicalId) : undefined;
      if (!functionName || !dlqUrl) continue;
      out.push({ functionName, label: `${stack.name}/${logicalId}`, region: stack.region, deadLetterQueueUrl: dlqUrl });
    }
  }
  return out;
}

async function waitingCount(sqs: SQSClient, url: string): Promise<number> {
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function drain(t: RedriveTarget, options: RedriveOptions, endpoint: string | undefined): Promise<RedriveCount> {
  const sqs = new SQSClient({ ...clientConfig({ endpoint, region: t.region }, 'sqs'), ...localCredentials(endpoint) });
  const lambda = t.invokeQueueUrl ? undefined : new LambdaClient(clientConfig({ endpoint, region: t.region }, 'lambda'));
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
          if (t.invokeQueueUrl) {
            await sqs.send(new SendMessageCommand({ QueueUrl: t.invokeQueueUrl, MessageBody: m.Body ?? '{}' }));
          } else {
            const r = await (lambda as LambdaClient).send(
              new InvokeCommand({ FunctionName: t.functionName, InvocationType: 'Event', Payload: Buffer.from(m.Body ?? '{}') }),
            );
            if (r.StatusCode !== 202) throw new Error(`Lambda answered ${r.StatusCode}`);
          }
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
    lambda?.destroy();
  }
}

export async function redrive(options: RedriveOptions): Promise<{ env: string; mode: 'local' | 'aws'; dryRun: boolean; functions: RedriveCount[]; redriven: number; failed: number }> {
  const env = assertEnvironmentName(options.env);
  const config = loadEnvironmentConfig(env);
  const endpoint = options.endpoint ?? endpointFromEnvironment('sqs');
  const all = endpoint ? await localTargets(endpoint, [config.primaryRegion, config.replicaRegion]) : await awsTargets(env);
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
  try {
    const result = await redrive({ env: o.env, functionFilter: o.function, dryRun: o.dryRun });
    console.log(JSON.stringify(result, null, 2));
    if (result.failed) process.exitCode = EXIT.UNAVAILABLE;
  } catch (err) {
    if (err instanceof CliError) {
      console.error(err.line('redrive'));
      process.exitCode = err.exitCode;
    } else {
      console.error(`redrive: error: ${(err as Error).message}`);
      process.exitCode = EXIT.FAILURE;
    }
  }
}

if (require.main === module) void main();

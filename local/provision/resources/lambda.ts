import { join } from 'node:path';
import type { Json } from '../intrinsics';
import { invokeQueueName } from '../naming';
import { str, tagList } from '../props';
import type { ResourceModule, ResourceRequest } from '../registry';
import type { LocalFunction, Physical } from '../types';
import { createQueue, queueUrlFromArn } from './sqs';

/**
 * A function the local runtime runs: its bundle from the cdk.out asset, the template's handler,
 * environment, memory, timeout and DLQ, and an invoke queue standing in for Lambda's own
 * asynchronous invocation queue.
 */
async function registerFunction({ stack, logicalId, resource, props, clients, endpoint, where, result, functionsByArn, named, arn }: ResourceRequest): Promise<Physical> {
  const name = named('FunctionName', 64);
  const assetPath = str(resource.Metadata?.['aws:asset:path']);
  if (!assetPath) throw new Error(`no aws:asset:path metadata: only functions bundled into cdk.out assets run locally`);
  const handler = str(props.Handler) ?? 'index.handler';
  const env = (props.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {};
  const fnArn = arn('lambda', `function:${name}`);
  const timeoutSeconds = typeof props.Timeout === 'number' ? props.Timeout : 3;
  // Visible again (a retry) only if the runtime dies mid-invocation; normal retries are explicit.
  const dlqArn = str((props.DeadLetterConfig as { TargetArn?: Json } | undefined)?.TargetArn);
  // tools/redrive.ts finds the function and its DLQ through the Lambda API (runtime/lambda-api.ts).
  const q = await createQueue(clients, invokeQueueName(name), { VisibilityTimeout: String(timeoutSeconds + 30) });
  const fn: LocalFunction = {
    logicalId,
    stackName: stack.name,
    region: stack.region,
    name,
    arn: fnArn,
    assetDir: join(stack.assemblyDir, assetPath),
    handler,
    runtime: str(props.Runtime),
    roleArn: str(props.Role),
    environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, str(v) ?? ''])),
    memoryMb: typeof props.MemorySize === 'number' ? props.MemorySize : 128,
    timeoutSeconds,
    // As CloudFormation tags what it creates: the template's tags and the stack and logical id.
    tags: {
      ...Object.fromEntries(tagList(props.Tags).map((t) => [t.Key, t.Value])),
      'aws:cloudformation:stack-name': stack.name,
      'aws:cloudformation:logical-id': logicalId,
    },
    invokeQueueUrl: q.url,
    invokeQueueArn: q.arn,
    maxRetryAttempts: 2,
  };
  if (dlqArn?.startsWith('arn:aws:sqs:')) {
    fn.deadLetterQueueArn = dlqArn;
    fn.deadLetterQueueUrl = queueUrlFromArn(endpoint, dlqArn);
  } else if (dlqArn) {
    result.notEmulated.push(`${where}: dead-letter target ${dlqArn} is not an SQS queue; only SQS DLQs are supported locally`);
  }
  result.functions.push(fn);
  functionsByArn.set(fnArn, fn);
  return { type: resource.Type, ref: name, attrs: { Arn: fnArn } };
}

/** AWS::Lambda::Function and AWS::Lambda::EventInvokeConfig (its retry count). */
export const lambdaResources: ResourceModule = {
  'AWS::Lambda::Function': async (request) => {
    const { logicalId, resource, where, result, customResourceProviders, named, arn } = request;
    if (customResourceProviders.has(logicalId)) {
      // A CDK provider Lambda serves only the Custom:: resources and has no handler bundle to run.
      result.notEmulated.push(`${where} (${resource.Type}): custom-resource provider, invoked only by the Custom:: resources it serves`);
      return { type: resource.Type, ref: named('FunctionName', 64), attrs: { Arn: arn('lambda', `function:${named('FunctionName', 64)}`) } };
    }
    return registerFunction(request);
  },
  'AWS::Lambda::EventInvokeConfig': async ({ stack, resource, props, result }) => {
    const fn = result.functions.find((f) => f.name === str(props.FunctionName) && f.region === stack.region);
    if (fn && typeof props.MaximumRetryAttempts === 'number') fn.maxRetryAttempts = props.MaximumRetryAttempts;
    return { type: resource.Type, ref: `${str(props.FunctionName)}:${str(props.Qualifier)}`, attrs: {} };
  },
};

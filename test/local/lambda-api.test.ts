import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import type { Credentials } from '../../local/iam/credentials';
import { FIXTURE_FUNCTION } from './fixtures/app';
import { useLocalStack } from '../support/local-stack';

/**
 * The Lambda API the local copy serves from its runtime (what tools/redrive.ts needs), over the
 * wire through the policy gateway: the functions and their dead-letter queues as Lambda reports
 * them, tags as CloudFormation sets them, both invocation types, and authorization like AWS's.
 */
const stack = useLocalStack({ fixture: true });

function lambda(credentials: Credentials | typeof LOCAL_CREDENTIALS = LOCAL_CREDENTIALS): LambdaClient {
  const s = stack();
  return new LambdaClient({ ...clientConfig({ endpoint: s.endpoint, region: s.region, maxAttempts: 1 }), credentials });
}

const recorder = () => {
  const fn = stack().provisioned().functions.find((f) => f.logicalId.startsWith(FIXTURE_FUNCTION));
  if (!fn) throw new Error('the fixture function is not provisioned');
  return fn;
};

test('ListFunctions and GetFunctionConfiguration report the function with its dead-letter queue', async () => {
  const client = lambda();
  const listed = (await client.send(new ListFunctionsCommand({}))).Functions ?? [];
  const fn = recorder();
  expect(listed.map((f) => f.FunctionName)).toContain(fn.name);
  const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn.name }));
  expect(config).toMatchObject({ FunctionArn: fn.arn, Runtime: 'nodejs22.x', Timeout: 10, MemorySize: 256, Role: fn.roleArn });
  expect(config.DeadLetterConfig?.TargetArn).toBe(fn.deadLetterQueueArn);
  expect(config.DeadLetterConfig?.TargetArn).toMatch(/^arn:aws:sqs:eu-central-1:123456789012:/);
  // Another region lists only its own functions.
  const replica = new LambdaClient({ ...clientConfig({ endpoint: stack().endpoint, region: stack().replicaRegion, maxAttempts: 1 }), credentials: LOCAL_CREDENTIALS });
  expect(((await replica.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName)).not.toContain(fn.name);
  replica.destroy();
  client.destroy();
});

test('ListTags returns the template tags and the ones CloudFormation adds', async () => {
  const client = lambda();
  const tags = (await client.send(new ListTagsCommand({ Resource: recorder().arn }))).Tags ?? {};
  expect(tags).toMatchObject({ environment: 'dev', 'aws:cloudformation:stack-name': 'Blob-dev-LocalFixture' });
  expect(tags['aws:cloudformation:logical-id']).toBe(recorder().logicalId);
  client.destroy();
});

test('Invoke RequestResponse runs once and returns the result, or the function error without retries or DLQ', async () => {
  const client = lambda();
  const fn = recorder();
  const event = (key: string) => ({ 'detail-type': 'Object Created', time: new Date().toISOString(), detail: { object: { key } } });
  const ok = await client.send(new InvokeCommand({ FunctionName: fn.arn, Payload: Buffer.from(JSON.stringify(event('e2e/direct.txt'))) }));
  expect(ok.StatusCode).toBe(200);
  expect(ok.FunctionError).toBeUndefined();
  expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString())).toEqual({ recorded: 'e2e/direct.txt#' });

  const before = stack().stats();
  const failed = await client.send(new InvokeCommand({ FunctionName: fn.name, Payload: Buffer.from(JSON.stringify(event('e2e/fail/direct.txt'))) }));
  expect(failed.FunctionError).toBe('Unhandled');
  expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toMatchObject({ errorType: 'Error', errorMessage: expect.stringMatching(/refusing e2e\/fail\/direct.txt/) });
  expect(stack().stats().failures - before.failures).toBe(1);
  expect(stack().stats().deadLettered).toBe(before.deadLettered);
  client.destroy();
});

test('Invoke Event is accepted (202) and runs as an asynchronous invocation', async () => {
  const client = lambda();
  const fn = recorder();
  const before = stack().stats().invocations;
  const res = await client.send(
    new InvokeCommand({ FunctionName: fn.name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ 'detail-type': 'Scheduled Event', time: new Date().toISOString(), detail: {} })) }),
  );
  expect(res.StatusCode).toBe(202);
  await stack().waitForIdle();
  expect(stack().stats().invocations - before).toBe(1);
  client.destroy();
});

test('an unknown function is ResourceNotFoundException; a role without lambda:InvokeFunction is denied like on AWS', async () => {
  const admin = lambda();
  await expect(admin.send(new GetFunctionConfigurationCommand({ FunctionName: 'Blob-dev-NoSuchFunction' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  admin.destroy();
  const fn = recorder();
  const asRole = lambda(stack().assumeRole(fn.roleArn as string, 'lambda-api-test'));
  const denied = asRole.send(new InvokeCommand({ FunctionName: fn.name, Payload: Buffer.from('{}') }));
  await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  await expect(denied).rejects.toThrow(/is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-central-1:123456789012:function:/);
  expect(stack().denials().some((d) => d.action === 'lambda:InvokeFunction' && d.resource === fn.arn)).toBe(true);
  asRole.destroy();
});

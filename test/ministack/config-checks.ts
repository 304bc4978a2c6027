import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DemoContext, DemoResult } from '../../local/demo/types';
import { PRIMARY, client, functionNamed } from './check-support';

/** One property the template sets, as the engine reports it back after the deploy. */
export interface ReadBack {
  readonly what: string;
  readonly template: string;
  readonly engine: string;
}

async function readBack(what: string, template: string, probe: () => Promise<string>): Promise<ReadBack> {
  try {
    return { what, template, engine: await probe() };
  } catch (err) {
    return { what, template, engine: `${(err as Error).name}: ${(err as Error).message}`.slice(0, 160) };
  }
}

/**
 * Reads back what the templates configure and MiniStack may not keep. Printed as JSON in the
 * detail; the test asserts what the pipelines depend on and reports the rest as engine gaps.
 */
export async function readBackConfiguration(ctx: DemoContext): Promise<DemoResult> {
  const s3 = client(S3Client, PRIMARY);
  const ddb = client(DynamoDBClient, PRIMARY);
  const lambda = client(LambdaClient, PRIMARY);
  const events = client(EventBridgeClient, PRIMARY);
  const b = { Bucket: ctx.bucket };
  const fn = await functionNamed('UploadProcessor');
  const rule = ((await events.send(new ListRulesCommand({}))).Rules ?? []).find((r) => r.Name?.includes('UploadProcessor'));
  const results: ReadBack[] = [
    await readBack('bucket versioning', 'Enabled', async () => (await s3.send(new GetBucketVersioningCommand(b))).Status ?? 'none'),
    await readBack('bucket S3 → EventBridge', 'enabled', async () => ((await s3.send(new GetBucketNotificationConfigurationCommand(b))).EventBridgeConfiguration ? 'enabled' : 'none')),
    await readBack('bucket encryption', 'aws:kms, customer key, Bucket Key', async () => {
      const rule0 = (await s3.send(new GetBucketEncryptionCommand(b))).ServerSideEncryptionConfiguration?.Rules?.[0];
      return `${rule0?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? 'none'}${rule0?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ? ', customer key' : ''}${rule0?.BucketKeyEnabled ? ', Bucket Key' : ''}`;
    }),
    await readBack('bucket lifecycle', 'sessions/ IA 30 d → GLACIER 90 d, logs/ 90 d, noncurrent 30 d, MPU 7 d', async () => `${((await s3.send(new GetBucketLifecycleConfigurationCommand(b))).Rules ?? []).length} rules`),
    await readBack('bucket replication', 'critical/ → us-west-2, RTC 15 min', async () => `${((await s3.send(new GetBucketReplicationCommand(b))).ReplicationConfiguration?.Rules ?? []).length} rules`),
    await readBack('bucket access logging', 'to the access-log bucket', async () => (await s3.send(new GetBucketLoggingCommand(b))).LoggingEnabled?.TargetBucket ?? 'none'),
    await readBack('bucket public access block', 'all four on', async () => {
      const c = (await s3.send(new GetPublicAccessBlockCommand(b))).PublicAccessBlockConfiguration;
      return c && c.BlockPublicAcls && c.BlockPublicPolicy && c.IgnorePublicAcls && c.RestrictPublicBuckets ? 'all four on' : JSON.stringify(c);
    }),
    await readBack('bucket policy', 'aws:SecureTransport, s3:TlsVersion', async () => {
      const policy = (await s3.send(new GetBucketPolicyCommand(b))).Policy ?? '';
      return `${policy.includes('aws:SecureTransport') ? 'aws:SecureTransport' : 'no SecureTransport'}, ${policy.includes('s3:TlsVersion') ? 's3:TlsVersion' : 'no TlsVersion'}`;
    }),
    await readBack('kvstore SSE', 'KMS, customer key', async () => {
      const sse = (await ddb.send(new DescribeTableCommand({ TableName: ctx.table }))).Table?.SSEDescription;
      return sse ? `${sse.SSEType ?? '?'} ${sse.Status ?? ''}${sse.KMSMasterKeyArn ? ', customer key' : ''}` : 'none';
    }),
    await readBack('kvstore point-in-time recovery', 'enabled', async () => (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: ctx.table }))).ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ?? 'none'),
    await readBack('kvstore TTL', 'expiresAt', async () => {
      const ttl = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: ctx.table }))).TimeToLiveDescription;
      return `${ttl?.TimeToLiveStatus ?? 'none'}${ttl?.AttributeName ? ` on ${ttl.AttributeName}` : ''}`;
    }),
    await readBack('function dead-letter queue', 'the function\'s DLQ (async failures)', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).DeadLetterConfig?.TargetArn ?? 'none'),
    await readBack('function async retries', '2 (EventInvokeConfig)', async () => String((await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: fn }))).MaximumRetryAttempts ?? 'none')),
    await readBack('rule target retry policy + DLQ', '8 attempts / 86400 s, DLQ', async () => {
      const t = ((await events.send(new ListTargetsByRuleCommand({ Rule: rule?.Name }))).Targets ?? [])[0];
      return `${t?.RetryPolicy ? `${t.RetryPolicy.MaximumRetryAttempts} attempts / ${t.RetryPolicy.MaximumEventAgeInSeconds} s` : 'no retry policy'}, ${t?.DeadLetterConfig?.Arn ? 'DLQ' : 'no DLQ'}`;
    }),
  ];
  return { detail: JSON.stringify(results) };
}

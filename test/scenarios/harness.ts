import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AttributeValue, DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { clientConfig } from '../../core/aws-config';
import { KvStore } from '../../core/kvstore';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';
import { createCompositeKeyTable, createIdempotencyTable } from '../support/tables';

/**
 * One moto server per scenario test file, provisioned like the storage stack: a versioned bucket,
 * the kvstore and idempotency tables, and the notification topic with an SQS subscription so tests
 * can see exactly what was published. Handlers run in-process against it over the wire.
 */
export interface Harness {
  readonly moto: MotoServer;
  readonly bucket: string;
  readonly s3: S3Client;
  readonly kv: KvStore;
  readonly topicArn: string;
  readonly env: Record<string, string>;
  put(key: string, body: string | Uint8Array, metadata?: Record<string, string>): Promise<PutResult>;
  /** Deletes every Powertools idempotency record: the next delivery of an old event runs the handler body again. */
  forgetIdempotency(): Promise<void>;
  /** Messages published to the topic since the last call: {subject, message}. */
  notifications(): Promise<Array<{ subject: string; message: Record<string, unknown> }>>;
}

export interface PutResult {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly etag: string;
}

export const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

let sequence = 0x1000;
/** The EventBridge "Object Created" event S3 sends for a PutObject (core/s3-events shape). */
export function objectCreated(bucket: string, put: PutResult, time = new Date().toISOString()): unknown {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time,
    region: 'eu-central-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key: put.key, size: put.size, etag: put.etag, 'version-id': put.versionId, sequencer: (sequence++).toString(16).toUpperCase() },
      'request-id': randomUUID(),
      requester: '123456789012',
      reason: 'PutObject',
    },
  };
}

/** A re-sent event: a new event id for the same object version (what EventBridge retries look like). */
export const resent = (event: unknown): unknown => ({ ...(event as object), id: randomUUID() });

export async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const moto = await startMoto();
  const aws = awsEnvFor(moto.endpoint);
  Object.assign(process.env, aws);
  const cfg = clientConfig({ endpoint: moto.endpoint, region: 'eu-central-1' });
  const s3 = new S3Client(cfg);
  const ddb = new DynamoDBClient(cfg);
  const sns = new SNSClient(cfg);
  const sqs = new SQSClient(cfg);
  const bucket = 'blob-test-primary';
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await createCompositeKeyTable(ddb, 'kvstore', KVSTORE_KEY);
  await createIdempotencyTable(ddb, 'idempotency');
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'notifications' }))).TopicArn ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'observer' }))).QueueUrl ?? '';
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

  const env = {
    ...aws,
    BLOB_ENV: 'dev',
    BUCKET_NAME: bucket,
    KVSTORE_TABLE: 'kvstore',
    IDEMPOTENCY_TABLE: 'idempotency',
    IDEMPOTENCY_KEY_PREFIX: 'test',
    TOPIC_ARN: topicArn,
    POWERTOOLS_METRICS_NAMESPACE: 'blob-test',
    POWERTOOLS_SERVICE_NAME: 'scenario-test',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...extraEnv,
  };
  Object.assign(process.env, env);
  const kv = new KvStore(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), 'kvstore');

  return {
    moto,
    bucket,
    s3,
    kv,
    topicArn,
    env,
    async put(key, body, metadata) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      const res = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: metadata }));
      return { key, versionId: res.VersionId ?? '', size: bytes.length, etag: (res.ETag ?? '').replace(/"/g, '') };
    },
    async forgetIdempotency() {
      const items = (await ddb.send(new ScanCommand({ TableName: 'idempotency' }))).Items ?? [];
      for (const item of items) await ddb.send(new DeleteItemCommand({ TableName: 'idempotency', Key: { id: item.id as AttributeValue } }));
    },
    async notifications() {
      const out: Array<{ subject: string; message: Record<string, unknown> }> = [];
      for (;;) {
        const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (!res.Messages?.length) return out;
        for (const m of res.Messages) {
          const envelope = JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string };
          out.push({ subject: envelope.Subject ?? '', message: JSON.parse(envelope.Message ?? '{}') as Record<string, unknown> });
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    },
  };
}

export async function keysUnder(kv: KvStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of kv.list(prefix)) keys.push(item.key);
  return keys.sort();
}

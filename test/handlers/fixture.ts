import { DynamoDBClient, ScanCommand, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { clientConfig } from '../../core/aws-config';
import { KvStore } from '../../core/kvstore';
import { AUDIT_KEY } from '../../core/audit';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';
import { createCompositeKeyTable, createIdempotencyTable } from '../support/tables';

/**
 * The one fixture of the handler tests (patterns and scenarios): a private moto with what the
 * handlers touch, provisioned like the storage stack: a versioned bucket, the kvstore, idempotency
 * and audit tables, and the notification topic with an SQS subscription so tests count the
 * notifications actually published. Handlers are imported as modules and invoked with realistic
 * EventBridge events; every AWS call they make goes over the wire to moto.
 */
export interface HandlerFixture {
  readonly moto: MotoServer;
  readonly region: string;
  readonly bucket: string;
  readonly s3: S3Client;
  readonly ddb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly kv: KvStore;
  readonly tables: { kvstore: string; idempotency: string; audit: string };
  /** The environment the handlers run with (for CLIs the tests start as child processes). */
  readonly env: Record<string, string>;
  put(key: string, body: string | Uint8Array, metadata?: Record<string, string>): Promise<PutResult>;
  /** Every notification published since the last call (SNS → SQS, raw message bodies parsed). */
  drainNotifications(): Promise<Array<{ subject?: string; event?: string; body: Record<string, unknown> }>>;
  /** Simulates "Powertools idempotency bypassed": forget every idempotency record. */
  forgetIdempotency(): Promise<void>;
  stop(): Promise<void>;
}

export interface PutResult {
  readonly key: string;
  readonly versionId: string;
  readonly size: number;
  readonly etag: string;
}

/** What a handler throws when another invocation holds the same work; Lambda retries such a delivery. */
export const IN_PROGRESS = /IdempotencyAlreadyInProgressError|PublishInProgressError/;

export function lambdaContext(name = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let eventCounter = 0;
/** An S3 EventBridge event as AWS sends it (detail-type, detail.bucket/object, requester, source IP). */
export function s3Event(
  detailType: string,
  bucket: string,
  key: string,
  object: { versionId?: string; size?: number; sequencer?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  eventCounter++;
  return {
    version: '0',
    id: `evt-${eventCounter}-${randomUUID()}`,
    'detail-type': detailType,
    source: 'aws.s3',
    account: '123456789012',
    time: new Date(Date.UTC(2026, 10, 25, 8, 0, eventCounter)).toISOString(),
    region: 'eu-central-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key,
        ...(object.size !== undefined ? { size: object.size } : {}),
        ...(object.versionId ? { 'version-id': object.versionId } : {}),
        sequencer: object.sequencer ?? String(eventCounter).padStart(16, '0'),
      },
      'request-id': `REQ${eventCounter}`,
      requester: '123456789012',
      'source-ip-address': '203.0.113.7',
      reason: detailType === 'Object Deleted' ? 'DeleteObject' : 'PutObject',
      ...extra,
    },
  };
}

/** The Object Created event S3 sends for a PutObject; `time` (ISO) replaces the fixture's clock. */
export function objectCreated(bucket: string, put: PutResult, time?: string): Record<string, unknown> {
  const event = s3Event('Object Created', bucket, put.key, { versionId: put.versionId, size: put.size });
  const detail = event.detail as { object: Record<string, unknown> };
  detail.object.etag = put.etag;
  return time ? { ...event, time } : event;
}

/** A re-sent event: a new event id for the same object version (what EventBridge retries look like). */
export const resent = (event: unknown): unknown => ({ ...(event as object), id: randomUUID() });

export async function keysUnder(kv: KvStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of kv.list(prefix)) keys.push(item.key);
  return keys.sort();
}

export async function startHandlerFixture(region = 'eu-central-1', extraEnv: Record<string, string> = {}): Promise<HandlerFixture> {
  const moto = await startMoto();
  try {
    return await provision(moto, region, extraEnv);
  } catch (err) {
    await moto.stop();
    throw err;
  }
}

async function provision(moto: MotoServer, region: string, extraEnv: Record<string, string>): Promise<HandlerFixture> {
  const bucket = 'blob-test-storage';
  const tables = { kvstore: 'blob-test-kvstore', idempotency: 'blob-test-idempotency', audit: 'blob-test-audit' };
  const topicName = 'blob-test-notifications';
  const env: Record<string, string> = {
    ...awsEnvFor(moto.endpoint, region),
    BLOB_ENV: 'dev',
    BUCKET_NAME: bucket,
    KVSTORE_TABLE: tables.kvstore,
    IDEMPOTENCY_TABLE: tables.idempotency,
    IDEMPOTENCY_KEY_PREFIX: 'test',
    AUDIT_TABLE: tables.audit,
    AUDIT_RETENTION_DAYS: '30',
    TOPIC_ARN: `arn:aws:sns:${region}:123456789012:${topicName}`,
    POWERTOOLS_METRICS_NAMESPACE: 'blob-test',
    POWERTOOLS_SERVICE_NAME: 'test',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_DEV: 'true',
    ...extraEnv,
  };
  Object.assign(process.env, env);

  const cfg = clientConfig({ endpoint: moto.endpoint, region });
  const s3 = new S3Client(cfg);
  const ddb = new DynamoDBClient(cfg);
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  const sns = new SNSClient(cfg);
  const sqs = new SQSClient(cfg);

  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region as never } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await createCompositeKeyTable(ddb, tables.kvstore, KVSTORE_KEY);
  await createCompositeKeyTable(ddb, tables.audit, AUDIT_KEY);
  await createIdempotencyTable(ddb, tables.idempotency);
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: topicName }))).TopicArn!;
  process.env.TOPIC_ARN = env.TOPIC_ARN = topicArn;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'notifications-observer' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));

  return {
    moto,
    region,
    bucket,
    s3,
    ddb,
    doc,
    kv: new KvStore(doc, tables.kvstore),
    tables,
    env,
    async put(key, body, metadata) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      const res = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: metadata }));
      return { key, versionId: res.VersionId!, size: bytes.length, etag: (res.ETag ?? '').replace(/"/g, '') };
    },
    async drainNotifications() {
      const out: Array<{ subject?: string; event?: string; body: Record<string, unknown> }> = [];
      for (;;) {
        const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (!res.Messages?.length) return out;
        for (const m of res.Messages) {
          const envelope = JSON.parse(m.Body!) as { Subject?: string; Message: string; MessageAttributes?: Record<string, { Value: string }> };
          out.push({ subject: envelope.Subject, event: envelope.MessageAttributes?.event?.Value, body: JSON.parse(envelope.Message) as Record<string, unknown> });
        }
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: res.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      }
    },
    async forgetIdempotency() {
      const items = await ddb.send(new ScanCommand({ TableName: tables.idempotency }));
      for (const item of items.Items ?? []) await ddb.send(new DeleteItemCommand({ TableName: tables.idempotency, Key: { id: item.id! } }));
    },
    stop: () => moto.stop(),
  };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand, EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SubscribeCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { resolveEnvironment } from '../../cli/shared/env-resolve';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import { redrive } from '../../tools/redrive';
import { FIXTURE_SCHEDULE_RULE } from './fixtures/app';
import { PATTERN_EVENT, PATTERN_ROWS } from './fixtures/event-patterns';
import { useLocalStack } from '../support/local-stack';

const stack = useLocalStack({ fixture: true });

function client<T>(Ctor: new (cfg: ReturnType<typeof clientConfig> & { credentials: typeof LOCAL_CREDENTIALS }) => T, region?: string): T {
  const s = stack();
  return new Ctor({ ...clientConfig({ endpoint: s.endpoint, region: region ?? s.region, maxAttempts: 2 }), credentials: LOCAL_CREDENTIALS });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('provisioning from the synthesized templates', () => {
  const template = () =>
    JSON.parse(readFileSync(join(__dirname, '..', '..', '.local', 'fixtures', 'e2e', 'Blob-dev-Storage.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
  const bucketProps = () => {
    const entry = Object.values(template().Resources).find(
      (r) => r.Type === 'AWS::S3::Bucket' && JSON.stringify(r.Properties.BucketName ?? '').includes('storage'),
    );
    if (!entry) throw new Error('no storage bucket in the template');
    return entry.Properties as {
      LifecycleConfiguration: { Rules: Array<{ Id: string; Prefix?: string; ExpirationInDays?: number; Transitions?: Array<{ StorageClass: string; TransitionInDays: number }> }> };
      ReplicationConfiguration: { Rules: Array<{ Id: string; Filter: { Prefix: string }; DeleteMarkerReplication: { Status: string } }> };
    };
  };

  test('bucket versioning, encryption, lifecycle, notification, replication and tags read back as the template says', async () => {
    const s3 = client(S3Client);
    const Bucket = stack().outputs.bucket;
    expect(Bucket).toMatch(/^blob-dev-storage-123456789012-eu-central-1$/);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    const byDefault = enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    expect(byDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(byDefault?.KMSMasterKeyID).toMatch(/^arn:aws:kms:eu-central-1:123456789012:key\//);

    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    const want = bucketProps().LifecycleConfiguration.Rules;
    expect(lifecycle.Rules?.map((r) => r.ID).sort()).toEqual(want.map((r) => r.Id).sort());
    const sessions = lifecycle.Rules?.find((r) => r.ID === 'archive-old-sessions');
    const wantSessions = want.find((r) => r.Id === 'archive-old-sessions');
    expect(sessions?.Filter?.Prefix).toBe(wantSessions?.Prefix);
    expect(sessions?.Transitions?.map((t) => [t.StorageClass, t.Days])).toEqual(wantSessions?.Transitions?.map((t) => [t.StorageClass, t.TransitionInDays]));
    expect(lifecycle.Rules?.find((r) => r.ID === 'delete-old-logs')?.Expiration?.Days).toBe(want.find((r) => r.Id === 'delete-old-logs')?.ExpirationInDays);

    const notification = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    expect(notification.EventBridgeConfiguration).toBeDefined();

    const replication = await s3.send(new GetBucketReplicationCommand({ Bucket }));
    const rule = replication.ReplicationConfiguration?.Rules?.[0];
    const wantRule = bucketProps().ReplicationConfiguration.Rules[0];
    expect(rule?.ID).toBe(wantRule?.Id);
    expect(rule?.Filter?.Prefix).toBe(wantRule?.Filter.Prefix);
    expect(rule?.Destination?.Bucket).toBe(`arn:aws:s3:::${stack().outputs.replicaBucket}`);
    expect(rule?.DeleteMarkerReplication?.Status).toBe(wantRule?.DeleteMarkerReplication.Status);

    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket }));
    expect(tags.TagSet).toEqual(expect.arrayContaining([{ Key: 'environment', Value: 'dev' }]));
    s3.destroy();
  });

  test('publishes the SSM parameters the CLIs resolve, so env resolution finds the local bucket and table', async () => {
    const s = stack();
    // As after copying the ready line's export: the CLIs' default credential chain reads these.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = s.awsEnv.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = s.awsEnv.AWS_SECRET_ACCESS_KEY;
    const restore = () => {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    const resolved = await resolveEnvironment('dev', { endpoint: s.endpoint, region: s.region }).finally(restore);
    expect(resolved.bucketName).toBe(s.outputs.bucket);
    expect(resolved.tableName).toBe('blob-dev-kvstore');
    const ssm = client(SSMClient, s.replicaRegion);
    const replica = await ssm.send(new GetParameterCommand({ Name: '/blob/dev/replica-bucket-name' }));
    expect(replica.Parameter?.Value).toBe(s.outputs.replicaBucket);
    ssm.destroy();
  });

  test('lists what it does not emulate instead of silently dropping it', () => {
    const notes = stack().provisioned().notEmulated;
    expect(notes.some((n) => n.includes('AWS::IAM::Role'))).toBe(true);
    expect(notes.some((n) => n.includes('AWS::S3::BucketPolicy'))).toBe(true);
  });
});

describe('S3 to EventBridge events', () => {
  test('PutObject, CopyObject, CompleteMultipartUpload and DeleteObject (marker and version) each produce an AWS-shaped event', async () => {
    const s = stack();
    const Bucket = s.outputs.bucket;
    const sqs = client(SQSClient);
    const events = client(EventBridgeClient);
    const s3 = client(S3Client);
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'test-s3-events' }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await events.send(
      new PutRuleCommand({ Name: 'test-s3-events', EventPattern: JSON.stringify({ source: ['aws.s3'], detail: { object: { key: [{ prefix: 'events/' }] } } }) }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'test-s3-events', Targets: [{ Id: 'q', Arn: arn }] }));

    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'events/a.txt', Body: 'hello', Tagging: 'k=v' }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'events/b.txt', CopySource: `${Bucket}/events/a.txt` }));
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'events/c.bin' }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'events/c.bin', UploadId: mpu.UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key: 'events/c.bin', UploadId: mpu.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'events/a.txt' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'events/b.txt', VersionId: (await s3.send(new PutObjectCommand({ Bucket, Key: 'events/b.txt', Body: 'x' }))).VersionId }));

    type Ev = { id: string; time: string; 'detail-type': string; detail: { object: Record<string, unknown>; reason: string; 'deletion-type'?: string } };
    const got: Ev[] = [];
    await until('6 events', async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      got.push(...(r.Messages ?? []).map((m) => JSON.parse(m.Body as string) as Ev));
      return got.length >= 6 ? true : undefined;
    });
    expect(got.map((e) => `${e['detail-type']}:${e.detail.reason}:${String(e.detail.object.key)}`)).toEqual([
      'Object Created:PutObject:events/a.txt',
      'Object Created:CopyObject:events/b.txt',
      'Object Created:CompleteMultipartUpload:events/c.bin',
      'Object Deleted:DeleteObject:events/a.txt',
      'Object Created:PutObject:events/b.txt',
      'Object Deleted:DeleteObject:events/b.txt',
    ]);
    const [created, , , deleted] = got as [Ev, Ev, Ev, Ev];
    expect(created.detail.object).toMatchObject({ key: 'events/a.txt', size: 5, 'version-id': put.VersionId, etag: put.ETag?.replace(/"/g, '') });
    expect(created.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(deleted.detail['deletion-type']).toBe('Delete Marker Created');
    expect(deleted.detail.object['version-id']).toBe(marker.VersionId);
    expect(got.find((e) => e.detail['deletion-type'] === 'Permanently Deleted')?.detail.object.key).toBe('events/b.txt');
    const sequencers = got.map((e) => e.detail.object.sequencer as string);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    for (const c of [sqs, events, s3]) c.destroy();
  });
});

describe('rule-routed handler, end to end over the wire', () => {
  test('an upload reaches the handler, which writes DynamoDB and publishes to SNS', async () => {
    const s = stack();
    const sqs = client(SQSClient);
    const sns = client(SNSClient);
    const q = await sqs.send(new CreateQueueCommand({ QueueName: 'test-e2e-notifications' }));
    const qArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await sns.send(new SubscribeCommand({ TopicArn: s.outputs.topicArn, Protocol: 'sqs', Endpoint: qArn, Attributes: { RawMessageDelivery: 'true' } }));

    const s3 = client(S3Client);
    const put = await s3.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'e2e/hello.txt', Body: 'hello world' }));
    const doc = DynamoDBDocumentClient.from(client(DynamoDBClient));
    const sk = `e2e/hello.txt#${put.VersionId}`;
    const item = await until('the handler record', async () => (await doc.send(new GetCommand({ TableName: s.outputs.table, Key: { pk: 'e2e', sk } }))).Item);
    expect(item).toMatchObject({ key: 'e2e/hello.txt', size: 11 });

    const message = await until('the SNS notification', async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, WaitTimeSeconds: 1 }));
      return r.Messages?.find((m) => m.Body?.includes(sk))?.Body;
    });
    expect(JSON.parse(message)).toEqual({ key: 'e2e/hello.txt', sk });
    await s.waitForIdle();
    expect((await s.notifications()).some((n) => n.subject === 'e2e recorded' && n.message.includes(sk))).toBe(true);
    for (const c of [sqs, sns, s3, doc]) c.destroy();
  });

  test('a handler that keeps throwing is retried, lands in the DLQ, and redrive replays it so nothing is lost', async () => {
    const s = stack();
    const s3 = client(S3Client);
    const doc = DynamoDBDocumentClient.from(client(DynamoDBClient));
    const key = 'e2e/fail/once.txt';
    const before = s.stats();
    const put = await s3.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: key, Body: 'x' }));
    await s.waitForIdle();
    // The first attempt and both async retries (EventInvokeConfig MaximumRetryAttempts 2) failed.
    expect(s.stats().failures - before.failures).toBe(3);
    expect(s.stats().deadLettered - before.deadLettered).toBe(1);
    const sk = `${key}#${put.VersionId}`;
    expect((await doc.send(new GetCommand({ TableName: s.outputs.table, Key: { pk: 'e2e', sk } }))).Item).toBeUndefined();

    const dry = await redrive({ env: 'dev', endpoint: s.endpoint, functionFilter: 'Recorder', dryRun: true });
    expect(dry.functions).toHaveLength(1);
    expect(dry.functions[0]?.waiting).toBe(1);

    // The cause is fixed: the handler now accepts the key.
    await doc.send(new PutCommand({ TableName: s.outputs.table, Item: { pk: 'e2e-flag', sk: key } }));
    const result = await redrive({ env: 'dev', endpoint: s.endpoint, functionFilter: 'Recorder' });
    expect(result).toMatchObject({ mode: 'local', redriven: 1, failed: 0 });
    await s.waitForIdle();
    const item = await doc.send(new GetCommand({ TableName: s.outputs.table, Key: { pk: 'e2e', sk } }));
    expect(item.Item?.key).toBe(key);
    const after = await redrive({ env: 'dev', endpoint: s.endpoint, functionFilter: 'Recorder', dryRun: true });
    expect(after.functions[0]?.waiting).toBe(0);
    for (const c of [s3, doc]) c.destroy();
  });

  test('a scheduled rule fires on demand through tick()', async () => {
    const s = stack();
    await expect(s.tick('NoSuchRule')).rejects.toThrow(/no rule matches "NoSuchRule"/);
    expect(await s.tick(FIXTURE_SCHEDULE_RULE)).toEqual(['ok']);
    const doc = DynamoDBDocumentClient.from(client(DynamoDBClient));
    const ticks = await doc.send(new QueryCommand({ TableName: s.outputs.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'tick' } }));
    expect(ticks.Items?.length).toBe(1);
    doc.destroy();
  });

  test('critical/ objects replicate to the replica bucket with metadata and tags', async () => {
    const s = stack();
    const s3 = client(S3Client);
    await s3.send(
      new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'critical/r.json', Body: '{"a":1}', ContentType: 'application/json', Metadata: { owner: 'agent-7' }, Tagging: 'tier=gold' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'scratch/not-replicated.txt', Body: 'x' }));
    await s.waitForIdle();
    const replica = client(S3Client, s.replicaRegion);
    const { HeadObjectCommand, GetObjectTaggingCommand } = await import('@aws-sdk/client-s3');
    const head = await replica.send(new HeadObjectCommand({ Bucket: s.outputs.replicaBucket, Key: 'critical/r.json' }));
    expect(head.ContentType).toBe('application/json');
    expect(head.Metadata).toEqual({ owner: 'agent-7' });
    expect(head.ContentLength).toBe(7);
    const tags = await replica.send(new GetObjectTaggingCommand({ Bucket: s.outputs.replicaBucket, Key: 'critical/r.json' }));
    expect(tags.TagSet).toEqual([{ Key: 'tier', Value: 'gold' }]);
    await expect(replica.send(new HeadObjectCommand({ Bucket: s.outputs.replicaBucket, Key: 'scratch/not-replicated.txt' }))).rejects.toThrow();
    expect(s.replications().find((r) => r.key === 'critical/r.json')?.status).toBe('COMPLETED');
    for (const c of [s3, replica]) c.destroy();
  });
});

describe('EventBridge pattern semantics (moto matcher, checked over the wire)', () => {
  test.each<[string, Record<string, unknown>, boolean]>(PATTERN_ROWS)('%s', async (_name, objectFilter, expected) => {
    const events = client(EventBridgeClient);
    const res = await events.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['aws.s3'], detail: { object: objectFilter } }), Event: JSON.stringify(PATTERN_EVENT) }),
    );
    expect(res.Result).toBe(expected);
    events.destroy();
  });
});

describe('failure drills', () => {
  test('the emulator can be killed and restarted: state is re-provisioned and events flow again', async () => {
    const s = stack();
    await s.stopEmulator();
    const s3 = client(S3Client);
    await expect(s3.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'e2e/down.txt', Body: 'x' }))).rejects.toThrow();
    await s.restartEmulator();
    const put = await s3.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'e2e/after-restart.txt', Body: 'back' }));
    const doc = DynamoDBDocumentClient.from(client(DynamoDBClient));
    const item = await until('the handler record after restart', async () =>
      (await doc.send(new GetCommand({ TableName: s.outputs.table, Key: { pk: 'e2e', sk: `e2e/after-restart.txt#${put.VersionId}` } }))).Item,
    );
    expect(item.key).toBe('e2e/after-restart.txt');
    for (const c of [s3, doc]) c.destroy();
  });
});

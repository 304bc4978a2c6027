import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { rmSync } from 'node:fs';
import { clientConfig } from '../../core/aws-config';
import { startEmulator } from '../../local/emulator/moto';
import { MotoServer, startMoto } from '../support/moto';
import { createCompositeKeyTable } from '../support/tables';

/**
 * The launcher's own behaviour. local/emulator/moto_speed.py skips moto's per-send scan of the queue
 * (SendMessage built every queue attribute, including the ApproximateNumberOf* counts, to read
 * ContentBasedDeduplication) and counts visibility with a plain clock: the first tests pin that the
 * answers did not change (the counts GetQueueAttributes gives, delays and visibility timeouts, and
 * FIFO deduplication, the one attribute the send path reads). local/emulator/moto_state.py carries state
 * across the drills' crash: the last test.
 */
const clientOptions = (endpoint: string) => ({
  ...clientConfig({ endpoint, region: 'eu-central-1' }),
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

let moto: MotoServer;
let sqs: SQSClient;
beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient(clientOptions(moto.endpoint));
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  await moto?.stop();
});

async function counts(url: string): Promise<Record<string, number>> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = res.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed),
  };
}

test('queue counts stay exact: visible, in flight (received) and delayed messages', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'counts' }));
  for (let i = 0; i < 6; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 60 }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 60 }));
  expect(got.Messages).toHaveLength(2);
  expect(await counts(QueueUrl!)).toEqual({ visible: 4, inFlight: 2, delayed: 1 });
  // Visibility set to 0 makes a received message visible again at once.
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }));
  expect(await counts(QueueUrl!)).toEqual({ visible: 5, inFlight: 1, delayed: 1 });
});

test('a short visibility timeout lapses: the message is received again', async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'lapse' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
  const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }));
  expect(first.Messages?.[0]?.Body).toBe('again');
  expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toHaveLength(0);
  await new Promise((r) => setTimeout(r, 1300));
  const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  expect(second.Messages?.[0]?.Body).toBe('again');
});

test('FIFO queues still deduplicate by content, and demand an id when they do not', async () => {
  const cbd = await sqs.send(
    new CreateQueueCommand({ QueueName: 'dedup.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }),
  );
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: cbd.QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
  expect((await counts(cbd.QueueUrl!)).visible).toBe(1);

  const plain = await sqs.send(new CreateQueueCommand({ QueueName: 'plain.fifo', Attributes: { FifoQueue: 'true' } }));
  await expect(sqs.send(new SendMessageCommand({ QueueUrl: plain.QueueUrl, MessageBody: 'x', MessageGroupId: 'g' }))).rejects.toThrow(
    /ContentBasedDeduplication|MessageDeduplicationId/,
  );
});

test('a crashed moto restarts with what it stored: object versions, a multipart object, in-flight messages and their receipt handles, items', async () => {
  let emulator = await startEmulator();
  let state: string | undefined;
  try {
    const cfg = clientOptions(emulator.endpoint);
    const s3 = new S3Client(cfg);
    const q = new SQSClient(cfg);
    const ddb = new DynamoDBClient(cfg);
    const doc = DynamoDBDocumentClient.from(ddb);
    await s3.send(new CreateBucketCommand({ Bucket: 'crash-kept', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'crash-kept', VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = (await s3.send(new PutObjectCommand({ Bucket: 'crash-kept', Key: 'k', Body: 'one' }))).VersionId;
    await s3.send(new PutObjectCommand({ Bucket: 'crash-kept', Key: 'k', Body: 'two' }));
    // A multipart object is read from its parts' files (moto_segments.py); the snapshot must hold its bytes.
    const parts = [Buffer.alloc(5 * 1024 * 1024, 'p'), Buffer.from('tail')];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'crash-kept', Key: 'mp' }));
    const etags = [];
    for (const [i, Body] of parts.entries()) etags.push((await s3.send(new UploadPartCommand({ Bucket: 'crash-kept', Key: 'mp', UploadId, PartNumber: i + 1, Body }))).ETag);
    const mpEtag = (
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'crash-kept', Key: 'mp', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }))
    ).ETag;
    const { QueueUrl } = await q.send(new CreateQueueCommand({ QueueName: 'crash-kept' }));
    await q.send(new SendMessageCommand({ QueueUrl, MessageBody: 'in flight' }));
    await q.send(new SendMessageCommand({ QueueUrl, MessageBody: 'waiting' }));
    const inFlight = (await q.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60 }))).Messages![0]!;
    await createCompositeKeyTable(ddb, 'crash-kept', { partitionKey: 'pk', sortKey: 'sk' });
    await doc.send(new PutCommand({ TableName: 'crash-kept', Item: { pk: 'counter', sk: 'counter', n: 5 } }));

    state = await emulator.crash();
    emulator = await startEmulator({ port: emulator.port, restoreFrom: state });

    const read = async (VersionId?: string) => (await s3.send(new GetObjectCommand({ Bucket: 'crash-kept', Key: 'k', VersionId }))).Body!.transformToString();
    expect([await read(), await read(v1)]).toEqual(['two', 'one']);
    const mp = await s3.send(new GetObjectCommand({ Bucket: 'crash-kept', Key: 'mp' }));
    expect(Buffer.from(await mp.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
    expect(mp.ETag).toBe(mpEtag);
    const sqsCounts = (await q.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes;
    expect(sqsCounts).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
    await q.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: inFlight.ReceiptHandle }));
    await doc.send(new UpdateCommand({ TableName: 'crash-kept', Key: { pk: 'counter', sk: 'counter' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } }));
    expect((await doc.send(new GetCommand({ TableName: 'crash-kept', Key: { pk: 'counter', sk: 'counter' } }))).Item).toMatchObject({ n: 6 });
    for (const c of [s3, q, ddb]) c.destroy();
  } finally {
    await emulator.stop();
    if (state) rmSync(state, { force: true });
  }
});

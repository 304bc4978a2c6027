/** Requests signed by the SDK v3 (S3, its presigner and the JSON and query services) and by the raw smithy SignatureV4. */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { AKID, BUCKET, CaptureServer, Captured, ODD_KEYS, REGION, SECRET, fromUrl } from './capture';

const credentials = { accessKeyId: AKID, secretAccessKey: SECRET };
const clientConfig = (server: CaptureServer) => ({ region: REGION, endpoint: server.endpoint, credentials, maxAttempts: 1 });

export async function sdkRequests(server: CaptureServer): Promise<Captured[]> {
  const capture = server.capture.bind(server);
  const s3 = new S3Client({ ...clientConfig(server), forcePathStyle: true });
  const out: Captured[] = [];
  for (const key of ODD_KEYS) {
    out.push(...(await capture(`sdk PutObject ${JSON.stringify(key)}`, () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x', ServerSideEncryption: 'aws:kms', Tagging: 'a=b' })))));
    out.push(...(await capture(`sdk GetObject ${JSON.stringify(key)}`, () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: 'v+1/2=' })))));
    out.push(
      ...(await capture(`sdk CopyObject ${JSON.stringify(key)}`, () =>
        s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: `${key}-copy`, CopySource: `${BUCKET}/${encodeURIComponent(key)}?versionId=v1` })),
      )),
    );
    out.push(...(await capture(`sdk DeleteObjects ${JSON.stringify(key)}`, () => s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }, { Key: `${key}<&>`, VersionId: 'v2' }] } })))));
    out.push(...(await capture(`sdk ListObjectsV2 ${JSON.stringify(key)}`, () => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key, Delimiter: '/', MaxKeys: 5 })))));
    out.push(fromUrl(`sdk presigned GetObject ${JSON.stringify(key)}`, await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key, ResponseContentDisposition: 'attachment; filename="a b.txt"' }), { expiresIn: 300 })));
    const put = fromUrl(`sdk presigned PutObject ${JSON.stringify(key)}`, await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 300 }), 'PUT');
    out.push({ ...put, body: Buffer.from('payload is not signed in a presigned URL') });
  }
  out.push(...(await capture('sdk DynamoDB PutItem', () => new DynamoDBClient(clientConfig(server)).send(new PutItemCommand({ TableName: 'kv', Item: { pk: { S: 'ns#ü' } } })))));
  out.push(...(await capture('sdk SNS Publish', () => new SNSClient(clientConfig(server)).send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-central-1:000000000000:t', Message: 'héllo & +' })))));
  out.push(...(await capture('sdk SQS SendMessage', () => new SQSClient(clientConfig(server)).send(new SendMessageCommand({ QueueUrl: `${server.endpoint}/000000000000/q`, MessageBody: 'm' })))));
  out.push(...(await capture('sdk KMS Encrypt', () => new KMSClient(clientConfig(server)).send(new EncryptCommand({ KeyId: 'alias/x', Plaintext: Buffer.from('p') })))));
  out.push(...(await capture('sdk SSM GetParameter', () => new SSMClient(clientConfig(server)).send(new GetParameterCommand({ Name: '/blob/dev/bucket' })))));
  out.push(...(await capture('sdk EventBridge PutEvents', () => new EventBridgeClient(clientConfig(server)).send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })))));
  return out;
}

/** The raw signer on a non-S3 path with segments the SDK normalizes (double slash, dot segments). */
export async function rawSignerRequest(): Promise<Captured> {
  const signer = new SignatureV4({ service: 'execute-api', region: REGION, credentials, sha256: NodeSha256 });
  const body = '{"a":"b"}';
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: '/a//b/./c/../d%20e/f(g)',
    query: { 'x y': 'z~*', b: ['2', '1'] },
    headers: { host: '127.0.0.1', 'content-type': 'application/json', 'x-amz-meta-spaces': '  a   b  ' },
    body,
  });
  const qs = 'x%20y=z~%2A&b=2&b=1';
  return { label: 'smithy SignatureV4 execute-api', method: 'POST', path: signed.path, rawQuery: qs, headers: lower(signed.headers), body: Buffer.from(body) };
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array => (typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

/** The SDK's Sha256 interface over node:crypto (what @smithy/hash-node does). */
class NodeSha256 {
  private h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.h = this.fresh();
  }
  private fresh() {
    return this.secret ? createHmac('sha256', bytes(this.secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.fresh();
  }
}

function lower(h: Record<string, string>): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import type { SourceData } from '@smithy/types';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import type { Credentials } from '../../local/iam/credentials';
import { ROOT } from '../../local/paths';
import { useLocalStack } from '../support/local-stack';

/**
 * The local endpoint's bad-input contract (issue 12 acceptance 6), over the wire with the SDK's own
 * error parsing: an unknown access key, a wrong secret, a malformed, expired or skewed signature,
 * a wrong or expired session token, and a denied call each get the AWS error shape of the service
 * they were sent to, and nothing is lost — a denied write leaves the previous version and the
 * multipart-uploads list as they were.
 */
const stack = useLocalStack({ fixture: true });

const bytes = (d: SourceData): string | Uint8Array => (typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

/** The checksum constructor SignatureV4 wants, over node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}
const run = promisify(execFile);

type Client = S3Client | DynamoDBClient | SNSClient | STSClient;
const clients: Client[] = [];
function make<C extends Client>(ctor: new (cfg: ReturnType<typeof clientConfig> & { credentials: Credentials }) => C, credentials: Credentials, region?: string): C {
  const s = stack();
  const c = new ctor({ ...clientConfig({ endpoint: s.endpoint, region: region ?? s.region, maxAttempts: 1 }), credentials });
  clients.push(c);
  return c;
}
afterAll(() => clients.forEach((c) => c.destroy()));

/** The fixture function's role: kvstore namespaces e2e, e2e-flag and tick, and sns:Publish; no S3 at all. */
function recorderRole(): string {
  const fn = stack().provisioned().functions.find((f) => f.logicalId.startsWith('Recorder'));
  if (!fn?.roleArn) throw new Error('fixture function or its role not provisioned');
  return fn.roleArn;
}

async function rejection(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to be refused');
}

describe('authentication failures answer in each service’s own error shape', () => {
  const unknown = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' };
  const wrongSecret = { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' };

  test.each([
    ['S3', 'InvalidAccessKeyId', 403, () => make(S3Client, unknown).send(new GetObjectCommand({ Bucket: stack().outputs.bucket, Key: 'x' }))],
    ['DynamoDB', 'UnrecognizedClientException', 400, () => make(DynamoDBClient, unknown).send(new ListTablesCommand({}))],
    ['SNS', 'InvalidClientTokenId', 403, () => make(SNSClient, unknown).send(new PublishCommand({ TopicArn: stack().outputs.topicArn, Message: 'x' }))],
    ['STS', 'InvalidClientTokenId', 403, () => make(STSClient, unknown).send(new GetCallerIdentityCommand({}))],
  ])('%s: an unknown access key → %s', async (_svc, name, status, call) => {
    const e = await rejection(call());
    expect(e.name).toBe(name);
    expect(e.status).toBe(status);
  });

  test.each([
    ['S3', 'SignatureDoesNotMatch', () => make(S3Client, wrongSecret).send(new PutObjectCommand({ Bucket: stack().outputs.bucket, Key: 'e2e/sig.txt', Body: 'x' }))],
    ['DynamoDB', 'InvalidSignatureException', () => make(DynamoDBClient, wrongSecret).send(new ListTablesCommand({}))],
    ['SNS', 'SignatureDoesNotMatch', () => make(SNSClient, wrongSecret).send(new PublishCommand({ TopicArn: stack().outputs.topicArn, Message: 'x' }))],
  ])('%s: a signature made with the wrong secret → %s', async (_svc, name, call) => {
    expect((await rejection(call())).name).toBe(name);
  });

  test('a malformed Authorization header and an unsigned request are refused (S3 XML, DynamoDB JSON)', async () => {
    const s = stack();
    const malformed = await fetch(`${s.endpoint}/${s.outputs.bucket}/x`, { headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/<Code>AuthorizationHeaderMalformed<\/Code>/);
    const anonymous = await fetch(`${s.endpoint}/${s.outputs.bucket}/x`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    const unsignedDdb = await fetch(s.endpoint, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(unsignedDdb.status).toBe(400);
    expect(((await unsignedDdb.json()) as { __type: string }).__type).toMatch(/MissingAuthenticationToken/);
  });

  test('a request signed 20 minutes ago is too skewed; an expired presigned URL has expired', async () => {
    const s = stack();
    const url = new URL(`${s.endpoint}/${s.outputs.bucket}/e2e/x`);
    const signer = new SignatureV4({ service: 's3', region: s.region, credentials: LOCAL_CREDENTIALS, sha256: Sha256, uriEscapePath: false });
    const signed = await signer.sign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { signingDate: new Date(Date.now() - 20 * 60_000) },
    );
    const skewed = await fetch(url, { headers: signed.headers });
    expect(skewed.status).toBe(403);
    expect(await skewed.text()).toMatch(/<Code>RequestTimeTooSkewed<\/Code>/);

    const presigned = await getSignedUrl(make(S3Client, LOCAL_CREDENTIALS), new GetObjectCommand({ Bucket: s.outputs.bucket, Key: 'e2e/x' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const expired = await fetch(presigned);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  });

  test('a session with the wrong token is invalid; an expired session is ExpiredToken', async () => {
    const s = stack();
    const good = s.assumeRole(recorderRole(), 'token-test');
    const wrongToken = { ...good, sessionToken: `${good.sessionToken}x` };
    expect((await rejection(make(S3Client, wrongToken).send(new GetObjectCommand({ Bucket: s.outputs.bucket, Key: 'x' })))).name).toBe('InvalidToken');
    const expired = s.assumeRole(recorderRole(), 'expired-test', { durationSeconds: -1 });
    expect((await rejection(make(DynamoDBClient, expired).send(new ListTablesCommand({}))))).toMatchObject({ name: 'ExpiredTokenException' });
  });
});

describe('a denied call changes nothing and says who was denied what', () => {
  test('a role without S3 write is denied PutObject (AccessDenied naming role, action, resource); the previous version stays current', async () => {
    const s = stack();
    const admin = make(S3Client, LOCAL_CREDENTIALS);
    const key = 'e2e/keep-me.txt';
    const original = await admin.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: key, Body: 'original' }));
    const role = make(S3Client, s.assumeRole(recorderRole(), 'denied-write'));
    const e = await rejection(role.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: key, Body: 'overwrite' })));
    expect(e).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(e.message).toMatch(new RegExp(`^User: arn:aws:sts::\\d{12}:assumed-role/[^/]*Recorder[^/]*/denied-write is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${s.outputs.bucket}/${key} because no identity-based policy allows the s3:PutObject action$`));
    const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: s.outputs.bucket, Prefix: key }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([original.VersionId]);
    expect(await (await admin.send(new GetObjectCommand({ Bucket: s.outputs.bucket, Key: key }))).Body?.transformToString()).toBe('original');

    // A denied multipart upload leaves no upload open.
    expect((await rejection(role.send(new CreateMultipartUploadCommand({ Bucket: s.outputs.bucket, Key: key })))).name).toBe('AccessDenied');
    expect((await admin.send(new ListMultipartUploadsCommand({ Bucket: s.outputs.bucket, Prefix: key }))).Uploads ?? []).toEqual([]);

    const denial = s.denials().find((d) => d.action === 's3:PutObject' && d.resource.endsWith(key));
    expect(denial?.principal).toMatch(/assumed-role\/.*Recorder.*\/denied-write$/);
  });

  test('kvstore: a write outside the role’s namespaces is AccessDeniedException and the item is unchanged; inside them it works', async () => {
    const s = stack();
    const admin = DynamoDBDocumentClient.from(make(DynamoDBClient, LOCAL_CREDENTIALS));
    const role = DynamoDBDocumentClient.from(make(DynamoDBClient, s.assumeRole(recorderRole(), 'kv')));
    await admin.send(new PutCommand({ TableName: s.outputs.table, Item: { pk: 'deployment', sk: 'deployment/latest', value: 'v1' } }));
    const e = await rejection(role.send(new PutCommand({ TableName: s.outputs.table, Item: { pk: 'deployment', sk: 'deployment/latest', value: 'hijacked' } })));
    expect(e.name).toBe('AccessDeniedException');
    expect(e.message).toMatch(/is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:[^:]+:\d{12}:table\//);
    expect((await admin.send(new GetCommand({ TableName: s.outputs.table, Key: { pk: 'deployment', sk: 'deployment/latest' } }))).Item?.value).toBe('v1');
    await role.send(new PutCommand({ TableName: s.outputs.table, Item: { pk: 'e2e', sk: 'e2e/allowed', value: 1 } }));
  });

  test('SNS: a role may publish to its topic only; elsewhere AuthorizationError (the SDK’s AuthorizationErrorException)', async () => {
    const s = stack();
    const role = make(SNSClient, s.assumeRole(recorderRole(), 'sns'));
    await role.send(new PublishCommand({ TopicArn: s.outputs.topicArn, Message: 'allowed' }));
    const other = s.outputs.topicArn.replace(/notifications$/, 'operations');
    expect(await rejection(role.send(new PublishCommand({ TopicArn: other, Message: 'x' })))).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
  });

  test('blob as a denied role exits 4 with one line naming the action and resource', async () => {
    const s = stack();
    const creds = s.assumeRole(recorderRole(), 'cli');
    const env: NodeJS.ProcessEnv = { ...process.env, ...s.awsEnv, AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_SESSION_TOKEN: creds.sessionToken ?? '', BLOB_BUCKET: s.outputs.bucket };
    delete env.BLOB_ENV;
    const res = await run('node', [join(ROOT, 'bin', 'blob.cjs'), 'get', `s3://${s.outputs.bucket}/e2e/keep-me.txt`, '-'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(res.code).toBe(4);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^blob: error: .*access denied \(AccessDenied\): User: .* is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::/);
  });
});

describe('STS', () => {
  test('GetCallerIdentity names the caller; AssumeRole of a role whose trust policy does not name the caller is AccessDenied', async () => {
    const s = stack();
    const admin = make(STSClient, LOCAL_CREDENTIALS);
    expect((await admin.send(new GetCallerIdentityCommand({}))).Arn).toMatch(/:user\/local-admin$/);
    const asRole = make(STSClient, s.assumeRole(recorderRole(), 'who'));
    expect((await asRole.send(new GetCallerIdentityCommand({}))).Arn).toMatch(/:assumed-role\/.*Recorder.*\/who$/);
    // Function roles trust lambda.amazonaws.com only: even an administrator cannot assume them.
    const e = await rejection(admin.send(new AssumeRoleCommand({ RoleArn: recorderRole(), RoleSessionName: 'nope' })));
    expect(e).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(e.message).toMatch(/sts:AssumeRole .*because no resource-based policy allows/);
  });
});

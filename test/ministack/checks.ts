/**
 * Runs the project's end-to-end checks (local/demo/pattern-checks.ts, scenario-checks.ts) against a
 * deployment on MiniStack, in a process of its own: the checks build their SDK clients with the
 * project's clientConfig(), and Node trusts MiniStack's self-signed certificate only through
 * NODE_EXTRA_CA_CERTS, which is read once at process start (the jest worker started long before
 * MiniStack generated it). test/ministack/deploy.test.ts runs this with the engine's clientEnv().
 *
 *   tsx test/ministack/checks.ts RUN_ID check [check…]   → one JSON line per check on stdout
 *
 * Scheduled rules are "ticked" by invoking their function with the event EventBridge sends for a
 * schedule: MiniStack does fire cron rules, but only at the scheduled wall-clock minute.
 */
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { randomUUID } from 'node:crypto';
import { clientConfig } from '../../core/aws-config';
import { KvStore } from '../../core/kvstore';
import { resourceNames } from '../../lib/config';
import { checkHourlyBatch, waitFor } from '../../local/demo/pattern-checks';
import { checkArtifacts, checkCodegen, checkDatasetLineage, checkLogAnalysis } from '../../local/demo/scenario-checks';
import type { DemoContext, DemoResult } from '../../local/demo/types';

export const ENV = 'dev';
export const PRIMARY = 'eu-central-1';
export const REPLICA = 'us-west-2';

/** What a check printed: the DemoResult, or the error it threw. */
export interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly latencyMs?: number;
}

type Check = (ctx: DemoContext) => Promise<DemoResult>;

function client<T>(Ctor: new (cfg: ReturnType<typeof clientConfig>) => T, region: string): T {
  return new Ctor(clientConfig({ region }));
}

/** An EventBridge event as AWS delivers it to a Lambda target. */
function envelope(detailType: string, source: string, account: string, region: string, resources: string[], detail: Record<string, unknown>) {
  return { version: '0', id: randomUUID(), 'detail-type': detailType, source, account, time: new Date().toISOString(), region, resources, detail };
}

/** Finds the function behind a scheduled rule whose name contains `rule`, and invokes it synchronously with a schedule event. */
async function tick(rule: string, account: string): Promise<void> {
  const events = client(EventBridgeClient, PRIMARY);
  const rules = (await events.send(new ListRulesCommand({}))).Rules ?? [];
  const match = rules.filter((r) => r.ScheduleExpression && r.Name?.includes(rule));
  if (match.length !== 1) throw new Error(`expected one scheduled rule matching "${rule}", found ${match.map((r) => r.Name).join(', ') || 'none'}`);
  const found = match[0]!;
  const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: found.Name }))).Targets ?? [];
  for (const target of targets) {
    const event = envelope('Scheduled Event', 'aws.events', account, PRIMARY, [found.Arn ?? ''], {});
    const res = await client(LambdaClient, PRIMARY).send(new InvokeCommand({ FunctionName: target.Arn, Payload: Buffer.from(JSON.stringify(event)) }));
    if (res.FunctionError) throw new Error(`${rule}: ${res.FunctionError}: ${Buffer.from(res.Payload ?? []).toString().slice(0, 500)}`);
  }
}

/**
 * Pattern 1 on an exact object version. MiniStack's S3 → EventBridge events carry no version-id
 * (AWS's do, for a versioned bucket), so the natively delivered event makes the function analyse
 * whatever version is current. Here: two versions of one key, MiniStack's own deliveries processed
 * first, then the function invoked with the event AWS sends for the FIRST version. The analysis must
 * then describe that version (2 rows, not 3): the handler read it with GetObject?versionId, which
 * under AUTH=true its role must allow (s3:GetObjectVersion).
 */
async function checkExactVersion(ctx: DemoContext): Promise<DemoResult> {
  const s3 = client(S3Client, PRIMARY);
  const kv = new KvStore(DynamoDBDocumentClient.from(client(DynamoDBClient, PRIMARY)), ctx.table);
  const key = `uploads/${ctx.runId}/versions.csv`;
  const v1 = await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: 'id,n\n1,a\n2,b\n', ContentType: 'text/csv' }));
  const v2 = await s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: 'id,n\n1,a\n2,b\n3,c\n', ContentType: 'text/csv' }));
  type Analysis = { status?: string; rowCount?: number; versionId?: string };
  await waitFor(`MiniStack's own delivery for ${key}`, async () => ((await kv.get(`analysis/${key}`))?.value as Analysis | undefined)?.rowCount === 3 ? true : undefined, 60_000);
  const started = Date.now();
  const event = envelope('Object Created', 'aws.s3', ctx.awsEnv.ACCOUNT ?? '', PRIMARY, [`arn:aws:s3:::${ctx.bucket}`], {
    version: '0',
    bucket: { name: ctx.bucket },
    object: { key, size: 13, etag: v1.ETag?.replace(/"/g, ''), 'version-id': v1.VersionId, sequencer: 'FFFFFFFFFFFFFFFFFF' },
    'request-id': randomUUID(),
    requester: ctx.awsEnv.ACCOUNT,
    'source-ip-address': '127.0.0.1',
    reason: 'PutObject',
  });
  const res = await client(LambdaClient, PRIMARY).send(new InvokeCommand({ FunctionName: await functionNamed('UploadProcessor'), Payload: Buffer.from(JSON.stringify(event)) }));
  if (res.FunctionError) throw new Error(`UploadProcessor: ${res.FunctionError}: ${Buffer.from(res.Payload ?? []).toString().slice(0, 500)}`);
  const analysis = await waitFor(`analysis/${key} of version ${v1.VersionId}`, async () => {
    const v = (await kv.get(`analysis/${key}`))?.value as Analysis | undefined;
    return v?.versionId === v1.VersionId ? v : undefined;
  });
  if (analysis.status !== 'succeeded' || analysis.rowCount !== 2) throw new Error(`unexpected analysis of ${v1.VersionId}: ${JSON.stringify(analysis)}`);
  return { detail: `analysis/${key} describes version ${v1.VersionId} (2 rows), not the current ${v2.VersionId} (3 rows)`, latencyMs: Date.now() - started };
}

/**
 * Scenario 3 needs the version id in the event (a rollback reference names an exact version) and
 * rejects MiniStack's events, which have none ("has no version-id"). For the duration of one reused
 * check, every PutObject under `prefix` that the check makes (through its own S3Client) is followed
 * by an asynchronous invocation of the function with the event AWS sends for that put, version id
 * included — EventBridge's own delivery, done by the test. MiniStack's event still arrives and is
 * still rejected by the handler, so nothing is processed twice.
 */
function withAwsEvents(functionFragment: string, prefix: string, check: Check): Check {
  return async (ctx) => {
    const fn = await functionNamed(functionFragment);
    const lambda = client(LambdaClient, PRIMARY);
    const proto = S3Client.prototype as { send: (this: S3Client, ...args: unknown[]) => Promise<unknown> };
    const send = proto.send;
    let sequence = 0;
    proto.send = async function (this: S3Client, ...args: unknown[]) {
      const out = await send.apply(this, args);
      const command = args[0];
      if (command instanceof PutObjectCommand && command.input.Key?.startsWith(prefix)) {
        const { Bucket, Key } = command.input;
        const put = out as { VersionId?: string; ETag?: string };
        const event = envelope('Object Created', 'aws.s3', ctx.awsEnv.ACCOUNT ?? '', PRIMARY, [`arn:aws:s3:::${Bucket}`], {
          version: '0',
          bucket: { name: Bucket },
          object: { key: Key, etag: put.ETag?.replace(/"/g, ''), 'version-id': put.VersionId, sequencer: (Date.now() * 1000 + ++sequence).toString(16).toUpperCase().padStart(18, '0') },
          'request-id': randomUUID(),
          requester: ctx.awsEnv.ACCOUNT,
          'source-ip-address': '127.0.0.1',
          reason: 'PutObject',
        });
        const res = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
        if (res.StatusCode !== 202) throw new Error(`async invoke of ${fn} answered ${res.StatusCode}`);
      }
      return out;
    };
    try {
      return await check(ctx);
    } finally {
      proto.send = send;
    }
  };
}

async function functionNamed(fragment: string): Promise<string> {
  const fns = (await client(LambdaClient, PRIMARY).send(new ListFunctionsCommand({}))).Functions ?? [];
  const match = fns.filter((f) => f.FunctionName?.includes(fragment));
  if (match.length !== 1) throw new Error(`expected one function matching "${fragment}", found ${match.length}`);
  return match[0]!.FunctionName!;
}

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
async function readBackConfiguration(ctx: DemoContext): Promise<DemoResult> {
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

/** Every bucket of this environment in both regions (data, replica, access logs). */
async function environmentBuckets(): Promise<Array<{ name: string; region: string }>> {
  const out: Array<{ name: string; region: string }> = [];
  for (const region of [PRIMARY, REPLICA]) {
    const names = ((await client(S3Client, region).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '');
    // MiniStack lists every region's buckets; each name carries its region.
    for (const name of names) if (name.startsWith(`blob-${ENV}-`) && name.endsWith(region)) out.push({ name, region });
  }
  return out;
}

/**
 * What `cdk destroy` must cope with: in every versioned bucket of the environment, a key with two
 * versions and a delete marker on top, and a key with one live version. Also asks S3 itself to
 * delete one of them, which must refuse (BucketNotEmpty), as AWS does.
 */
async function fillVersionedBuckets(ctx: DemoContext): Promise<DemoResult> {
  const buckets = await environmentBuckets();
  if (buckets.length < 3) throw new Error(`expected data, replica and access-log buckets, found ${buckets.map((b) => b.name).join(', ')}`);
  const lines: string[] = [];
  for (const { name, region } of buckets) {
    const s3 = client(S3Client, region);
    if ((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status !== 'Enabled') throw new Error(`${name} is not versioned`);
    const key = `sessions/${ctx.runId}/destroy.txt`;
    await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: 'two' }));
    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: `sessions/${ctx.runId}/live.txt`, Body: 'live' }));
    const v = await s3.send(new ListObjectVersionsCommand({ Bucket: name }));
    lines.push(`${name}: ${v.Versions?.length ?? 0} versions, ${v.DeleteMarkers?.length ?? 0} delete markers`);
  }
  const refused = await client(S3Client, buckets[0]!.region)
    .send(new DeleteBucketCommand({ Bucket: buckets[0]!.name }))
    .then(() => 'deleted', (err: Error) => err.name);
  if (refused !== 'BucketNotEmpty') throw new Error(`S3 DeleteBucket on non-empty ${buckets[0]!.name} answered ${refused}, expected BucketNotEmpty`);
  return { detail: `${lines.join('; ')}; S3 DeleteBucket on a non-empty bucket: BucketNotEmpty` };
}

/** After `cdk destroy`: no stack of the environment and no bucket of it remain. */
async function checkDestroyed(): Promise<DemoResult> {
  const left: string[] = [];
  for (const region of [PRIMARY, REPLICA]) {
    const stacks = (await client(CloudFormationClient, region).send(new ListStacksCommand({}))).StackSummaries ?? [];
    for (const st of stacks) if (st.StackName?.startsWith(`Blob-${ENV}-`) && st.StackStatus !== 'DELETE_COMPLETE') left.push(`${st.StackName} ${st.StackStatus}`);
  }
  for (const b of await environmentBuckets()) left.push(`bucket ${b.name}`);
  if (left.length) throw new Error(`left after destroy: ${left.join(', ')}`);
  return { detail: 'no Blob-dev-* stack and no blob-dev-* bucket left in either region' };
}

type TemplateValue = string | { 'Fn::Join': [string, TemplateValue[]] } | { Ref: string };

/** Resolves the intrinsics a bucket name or tag uses here (Fn::Join, Ref AWS::AccountId/Region). */
function resolve(v: TemplateValue, account: string, region: string): string {
  if (typeof v === 'string') return v;
  if ('Ref' in v) return v.Ref === 'AWS::AccountId' ? account : v.Ref === 'AWS::Region' ? region : `<${v.Ref}>`;
  return v['Fn::Join'][1].map((x) => resolve(x, account, region)).join(v['Fn::Join'][0]);
}

/**
 * MiniStack's CloudFormation creates an AWS::S3::Bucket without its Tags (it applies versioning,
 * notifications, CORS, public access block and website only), so GetBucketTagging answers
 * NoSuchTagSet. CDK's auto-delete handler reads the `aws-cdk:auto-delete-objects` tag first and
 * rethrows every error but NoSuchBucket, so the Custom::S3AutoDeleteObjects delete fails and the
 * stack is DELETE_FAILED. This puts on each bucket the Tags its template declares (read from the
 * synthesized templates in CDK_OUT), the one thing the engine dropped that the mechanism needs;
 * the handler itself then runs unchanged on MiniStack, under its own role with AUTH=true.
 */
async function applyTemplateTags(): Promise<DemoResult> {
  const dir = process.env.CDK_OUT;
  if (!dir) throw new Error('CDK_OUT is not set');
  const account = process.env.MINISTACK_ACCOUNT ?? '000000000000';
  const applied: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Resources: Record<string, { Type: string; Properties?: { BucketName?: TemplateValue; Tags?: Array<{ Key: string; Value: TemplateValue }> } }> };
    const region = Object.values(template.Resources).some((r) => r.Type === 'AWS::S3::Bucket' && JSON.stringify(r.Properties?.BucketName ?? '').includes(REPLICA)) ? REPLICA : PRIMARY;
    for (const r of Object.values(template.Resources)) {
      if (r.Type !== 'AWS::S3::Bucket' || !r.Properties?.BucketName || !r.Properties.Tags?.length) continue;
      const bucket = resolve(r.Properties.BucketName, account, region);
      const TagSet = r.Properties.Tags.map((t) => ({ Key: t.Key, Value: resolve(t.Value, account, region) }));
      await client(S3Client, region).send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet } }));
      applied.push(`${bucket}: ${TagSet.map((t) => t.Key).join(', ')}`);
    }
  }
  return { detail: applied.join('; ') };
}

const CHECKS: Record<string, Check> = {
  'exact-version': checkExactVersion,
  'read-back': readBackConfiguration,
  'fill-versioned-buckets': fillVersionedBuckets,
  destroyed: () => checkDestroyed(),
  'apply-template-tags': () => applyTemplateTags(),
  'hourly-batch': checkHourlyBatch,
  codegen: checkCodegen,
  'log-analysis': checkLogAnalysis,
  artifacts: withAwsEvents('ArtifactsDeploy', 'artifacts/', checkArtifacts),
  datasets: checkDatasetLineage,
};

async function parameter(name: string, region: string): Promise<string> {
  const out = await client(SSMClient, region).send(new GetParameterCommand({ Name: name }));
  if (!out.Parameter?.Value) throw new Error(`SSM parameter ${name} missing in ${region}`);
  return out.Parameter.Value;
}

async function main(): Promise<void> {
  const [runId, ...names] = process.argv.slice(2);
  if (!runId || names.length === 0) throw new Error('usage: checks.ts RUN_ID CHECK…');
  const p = resourceNames(ENV).parameters;
  const account = process.env.MINISTACK_ACCOUNT ?? '000000000000';
  const awsEnv: Record<string, string> = {
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
    ACCOUNT: account,
  };
  // After `cdk destroy` the SSM parameters naming the resources are gone; only checks that run
  // against a deployment read them.
  const deployed = names.some((n) => n !== 'destroyed' && n !== 'apply-template-tags');
  const param = (name: string, region: string) => (deployed ? parameter(name, region) : Promise.resolve(''));
  const ctx: DemoContext = {
    env: ENV,
    endpoint: process.env.AWS_ENDPOINT_URL ?? '',
    region: PRIMARY,
    replicaRegion: REPLICA,
    bucket: await param(p.bucketName, PRIMARY),
    replicaBucket: await param(p.replicaBucketName, REPLICA),
    table: await param(p.tableName, PRIMARY),
    replicaTable: await param(p.tableName, REPLICA),
    auditTable: await param(p.auditTableName, PRIMARY),
    topicArn: await param(p.topicArn, PRIMARY),
    awsEnv,
    tick: (rule) => tick(rule, account),
    runId,
  };
  for (const name of names) {
    const check = CHECKS[name];
    let outcome: CheckOutcome;
    if (!check) outcome = { name, ok: false, detail: `unknown check (known: ${Object.keys(CHECKS).join(', ')})` };
    else {
      try {
        const r = await check(ctx);
        outcome = { name, ok: true, detail: r.detail, ...(r.latencyMs !== undefined ? { latencyMs: r.latencyMs } : {}) };
      } catch (err) {
        outcome = { name, ok: false, detail: (err as Error).message };
      }
    }
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}

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
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

const CHECKS: Record<string, Check> = {
  'exact-version': checkExactVersion,
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
  const ctx: DemoContext = {
    env: ENV,
    endpoint: process.env.AWS_ENDPOINT_URL ?? '',
    region: PRIMARY,
    replicaRegion: REPLICA,
    bucket: await parameter(p.bucketName, PRIMARY),
    replicaBucket: await parameter(p.replicaBucketName, REPLICA),
    table: await parameter(p.tableName, PRIMARY),
    replicaTable: await parameter(p.tableName, REPLICA),
    auditTable: await parameter(p.auditTableName, PRIMARY),
    topicArn: await parameter(p.topicArn, PRIMARY),
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

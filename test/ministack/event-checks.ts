import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { KvStore } from '../../core/kvstore';
import { waitFor } from '../../local/demo/pattern-checks';
import type { DemoContext, DemoResult } from '../../local/demo/types';
import { Check, PRIMARY, client, envelope, functionNamed } from './check-support';

/**
 * The events MiniStack does not deliver as AWS does, delivered by the test: schedule ticks (MiniStack
 * fires cron rules only at the scheduled wall-clock minute) and S3 events carrying a version-id.
 */

/** Finds the function behind a scheduled rule whose name contains `rule`, and invokes it synchronously with a schedule event. */
export async function tick(rule: string, account: string): Promise<void> {
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
export async function checkExactVersion(ctx: DemoContext): Promise<DemoResult> {
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
export function withAwsEvents(functionFragment: string, prefix: string, check: Check): Check {
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

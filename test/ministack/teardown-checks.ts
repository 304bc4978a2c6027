import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import type { DemoContext, DemoResult } from '../../local/demo/types';
import { ENV, PRIMARY, REPLICA, client } from './check-support';

/** The checks around `cdk destroy`: buckets full of versions before it, nothing left after it. */

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
export async function fillVersionedBuckets(ctx: DemoContext): Promise<DemoResult> {
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
export async function checkDestroyed(): Promise<DemoResult> {
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
export async function applyTemplateTags(): Promise<DemoResult> {
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

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import type { Json } from '../../local/provision/intrinsics';
import { synthFixture, useLocalStack } from '../support/local-stack';

/**
 * Issue 12 §4: `cdk destroy` of dev and staging must succeed on buckets holding versions and delete
 * markers. MiniStack's CloudFormation deletes a non-empty bucket anyway (AWS refuses with
 * BucketNotEmpty), so its clean destroy cannot show the emptying; here the mechanism itself runs
 * where the emulator does refuse: CDK's own auto-delete provider handler, from the synthesized
 * dev storage stack, is invoked with CloudFormation's Delete event under a session of its own
 * role with policies enforced (its permissions come from the bucket policy), and then the bucket
 * that refused DeleteBucket before can be deleted. (The handler first adds a deny-PutObject statement
 * to the bucket policy; the gateway evaluates the template's policies, so that runtime change is
 * stored in moto but not evaluated — the README lists runtime policy changes as not modelled.)
 */
const stack = useLocalStack({ fixture: true });
const run = promisify(execFile);

interface Resource {
  Type: string;
  Properties: Record<string, Json>;
  Metadata?: Record<string, Json>;
}

test('CDK’s auto-delete handler, as its own role, empties every version and delete marker so DeleteBucket succeeds', async () => {
  const s = stack();
  const admin = new S3Client({ ...clientConfig({ endpoint: s.endpoint, region: s.region }), credentials: LOCAL_CREDENTIALS });
  const Bucket = s.outputs.bucket;
  for (const body of ['v1', 'v2', 'v3']) await admin.send(new PutObjectCommand({ Bucket, Key: 'sessions/a.json', Body: body }));
  await admin.send(new DeleteObjectCommand({ Bucket, Key: 'sessions/a.json' }));
  await admin.send(new PutObjectCommand({ Bucket, Key: 'critical/b.json', Body: 'b' }));
  await admin.send(new DeleteObjectCommand({ Bucket, Key: 'never-existed.txt' }));
  const before = await admin.send(new ListObjectVersionsCommand({ Bucket }));
  expect(before.Versions?.length).toBeGreaterThanOrEqual(4);
  expect(before.DeleteMarkers?.length).toBeGreaterThanOrEqual(1);
  await expect(admin.send(new DeleteBucketCommand({ Bucket }))).rejects.toMatchObject({ name: 'BucketNotEmpty' });

  // The provider function and its role, as synthesized into the dev storage stack.
  const assembly = await synthFixture();
  const template = JSON.parse(readFileSync(join(assembly, 'Blob-dev-Storage.template.json'), 'utf8')) as { Resources: Record<string, Resource> };
  const [providerId, provider] = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('CustomS3AutoDeleteObjects')) ?? [];
  if (!provider || !providerId) throw new Error('dev storage stack has no auto-delete provider');
  const roleArn = [...s.policies().roles.values()].find((r) => r.source.startsWith('Blob-dev-Storage/CustomS3AutoDeleteObjectsCustomResourceProviderRole'))?.arn;
  if (!roleArn) throw new Error('the provider role is not in the policy store');
  const creds = s.assumeRole(roleArn, 'auto-delete');
  const handlerFile = join(assembly, String(provider.Metadata?.['aws:asset:path']), 'index.js');
  const event = { RequestType: 'Delete', ResourceType: 'Custom::S3AutoDeleteObjects', ResourceProperties: { ServiceToken: 'local', BucketName: Bucket } };
  // autoDeleteHandler is the provider's logic without the CloudFormation response round trip.
  const script = `require(${JSON.stringify(handlerFile)}).autoDeleteHandler(${JSON.stringify(event)}).then(() => console.log('emptied'), (e) => { console.error(e.name + ': ' + e.message); process.exit(1); })`;
  const out = await run(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL: s.endpoint,
      AWS_REGION: s.region,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  expect(out.stdout.trim().split('\n').pop()).toBe('emptied');
  // Everything it did was allowed to its own role (bucket policy) — nothing was refused.
  expect(s.denials().filter((d) => d.principal.includes('auto-delete')).map((d) => `${d.action} ${d.resource} ${d.reason}`)).toEqual([]);

  const after = await admin.send(new ListObjectVersionsCommand({ Bucket }));
  expect([...(after.Versions ?? []), ...(after.DeleteMarkers ?? [])]).toEqual([]);
  await admin.send(new DeleteBucketCommand({ Bucket }));
  admin.destroy();
});

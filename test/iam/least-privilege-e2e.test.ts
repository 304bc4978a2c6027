import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import type { Json } from '../../local/provision/intrinsics';
import { synthEnvironment } from '../../local/provision/synth';
import { useLocalStack } from '../support/local-stack';

/**
 * Acceptance 2 of the policy-faithful local copy: each function runs under its own role with the
 * templates' policies enforced, so removing one statement its handler needs makes the end-to-end
 * flow fail with a denial naming that role, the action and the resource. Three representative
 * functions: pattern 1 (upload-processor), scenario 3 (artifacts-deploy) and the replica-region
 * processor. The dev assembly is copied and exactly one statement is cut from each role's policy,
 * as a deploy of that changed template would.
 */

interface Statement {
  Action: string | string[];
  Condition?: Record<string, Record<string, Json>>;
}
interface Template {
  Resources: Record<string, { Type: string; Properties: { Roles?: Array<{ Ref: string }>; PolicyDocument?: { Statement: Statement[] } } }>;
}

const actions = (s: Statement) => [s.Action].flat();

/** Removes from the policy of the role whose logical id starts with `rolePrefix` the one statement `match` selects. */
function cutStatement(templatePath: string, rolePrefix: string, match: (s: Statement) => boolean): void {
  const t = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
  const policies = Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles?.some((x) => x.Ref.startsWith(rolePrefix)));
  const hits = policies.flatMap((p) => (p.Properties.PolicyDocument?.Statement ?? []).filter(match).map((s) => ({ p, s })));
  if (hits.length !== 1) throw new Error(`expected exactly one statement to cut for ${rolePrefix}, found ${hits.length}`);
  const { p, s } = hits[0] as { p: (typeof policies)[number]; s: Statement };
  const doc = p.Properties.PolicyDocument as { Statement: Statement[] };
  doc.Statement = doc.Statement.filter((x) => x !== s);
  writeFileSync(templatePath, JSON.stringify(t));
}

const leadingKeys = (s: Statement, ns: string) => JSON.stringify(s.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'] ?? null) === JSON.stringify([ns]);

let assembly = '';
beforeAll(async () => {
  const synth = await synthEnvironment('dev');
  assembly = mkdtempSync(join(tmpdir(), 'blob-cut-'));
  cpSync(synth.dir, assembly, { recursive: true });
  const pipelines = join(assembly, 'Blob-dev-Pipelines.template.json');
  cutStatement(pipelines, 'UploadProcessorRole', (s) => actions(s).includes('s3:GetObject'));
  cutStatement(pipelines, 'ArtifactsDeployRole', (s) => actions(s).includes('dynamodb:PutItem') && leadingKeys(s, 'deployment'));
  cutStatement(join(assembly, 'Blob-dev-ReplicaPipelines.template.json'), 'ReplicaProcessorRole', (s) => actions(s).includes('dynamodb:PutItem') && leadingKeys(s, 'replica'));
}, 240_000);
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

const stack = useLocalStack({ cdkOut: join(tmpdir(), '__set_in_beforeAll__'), lazyCdkOut: () => assembly });

function s3(region?: string): S3Client {
  const s = stack();
  return new S3Client({ ...clientConfig({ endpoint: s.endpoint, region: region ?? s.region }), credentials: LOCAL_CREDENTIALS });
}

async function deniedTo(role: string, action: string, resource: RegExp): Promise<void> {
  const s = stack();
  await s.waitForIdle(60_000);
  const denial = s.denials().find((d) => d.principal.startsWith('arn:aws:sts::') && d.principal.includes(role) && d.action === action && resource.test(d.resource));
  if (!denial) throw new Error(`no denial of ${action} for ${role}; denials: ${JSON.stringify(s.denials().map((d) => [d.principal.split('/')[1], d.action, d.resource]))}`);
  expect(denial.reason).toBe(`because no identity-based policy allows the ${action} action`);
  expect(denial.policy).toMatch(new RegExp(role));
}

test('pattern 1: without s3:GetObject* on uploads/, upload-processor is denied reading the exact version and the event is dead-lettered', async () => {
  const s = stack();
  const client = s3();
  await client.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'uploads/cut/a.csv', Body: 'a,b\n1,2\n' }));
  // Handlers read the exact version the event names, which S3 authorizes as s3:GetObjectVersion.
  await deniedTo('UploadProcessorRole', 's3:GetObjectVersion', /uploads\/cut\/a\.csv$/);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig({ endpoint: s.endpoint, region: s.region }), credentials: LOCAL_CREDENTIALS }));
  expect((await doc.send(new GetCommand({ TableName: s.outputs.table, Key: { pk: 'analysis', sk: 'analysis/uploads/cut/a.csv' } }))).Item).toBeUndefined();
  expect(s.stats().deadLettered).toBeGreaterThan(0);
  client.destroy();
  doc.destroy();
});

test('scenario 3: without PutItem on the deployment namespace, artifacts-deploy is denied recording the deployment', async () => {
  const s = stack();
  const client = s3();
  await client.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'artifacts/v9.9.9/app.zip', Body: 'zip', Metadata: { version: 'v9.9.9', commit: 'abc123' } }));
  await deniedTo('ArtifactsDeployRole', 'dynamodb:PutItem', new RegExp(`table/${s.outputs.table}$`));
  client.destroy();
});

test('replica region: without PutItem on the replica namespace, replica-processor is denied storing its result', async () => {
  const s = stack();
  const client = s3();
  await client.send(new PutObjectCommand({ Bucket: s.outputs.bucket, Key: 'critical/cut/state.json', Body: '{"ok":true}' }));
  await deniedTo('ReplicaProcessorRole', 'dynamodb:PutItem', new RegExp(`${s.replicaRegion}:\\d+:table/${s.outputs.replicaTable}$`));
  // The replica itself arrived (replication is not the function's business); only its processing was refused.
  const replica = await s3(s.replicaRegion).send(new GetObjectCommand({ Bucket: s.outputs.replicaBucket, Key: 'critical/cut/state.json' }));
  expect(await replica.Body?.transformToString()).toBe('{"ok":true}');
  client.destroy();
});

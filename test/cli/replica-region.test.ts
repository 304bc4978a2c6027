import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientConfig } from '../../core/aws-config';
import { ENVIRONMENT_REGIONS, environmentParameters } from '../../core/environments';
import { KvStore } from '../../core/kvstore';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { EXIT } from '../../cli/shared/cli-errors';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';
import { createCompositeKeyTable } from '../support/tables';
import { blob, ensureBlobBuilt } from './blob-harness';
import { buildKvstoreBundle, cliEnv, kvstore } from './kvstore-cli';

/**
 * Issue 14 class 10: `--region <replica>` with an environment finds the replica region's kvstore
 * table and bucket from the parameters the replica stack publishes there, for kvstore as for blob;
 * both CLIs print package.json's version.
 */
const { primary, replica } = ENVIRONMENT_REGIONS;
const p = environmentParameters('dev');
let moto: MotoServer;
let env: Record<string, string>;
const kv: Partial<Record<'primary' | 'replica', KvStore>> = {};

async function region(r: string): Promise<{ ddb: DynamoDBClient; ssm: SSMClient; s3: S3Client }> {
  const cfg = clientConfig({ endpoint: moto.endpoint, region: r });
  return { ddb: new DynamoDBClient(cfg), ssm: new SSMClient(cfg), s3: new S3Client({ ...cfg, forcePathStyle: true }) };
}

beforeAll(async () => {
  buildKvstoreBundle();
  ensureBlobBuilt();
  moto = await startMoto();
  Object.assign(process.env, awsEnvFor(moto.endpoint));
  const tables = { primary: 'blob-dev-kvstore-primary', replica: 'blob-dev-kvstore-replica' };
  for (const [which, r, params] of [
    ['primary', primary, [[p.bucketName, 'blob-dev-primary-bucket']]],
    ['replica', replica, [[p.replicaBucketName, 'blob-dev-replica-bucket']]],
  ] as const) {
    const c = await region(r);
    await createCompositeKeyTable(c.ddb, tables[which], KVSTORE_KEY);
    kv[which] = new KvStore(DynamoDBDocumentClient.from(c.ddb), tables[which]);
    for (const [Name, Value] of [[p.tableName, tables[which]], ...params]) await c.ssm.send(new PutParameterCommand({ Name, Value, Type: 'String' }));
    const bucket = params[0][1];
    await c.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: r } }));
    await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'critical/where.txt', Body: which }));
  }
  env = cliEnv({ ...awsEnvFor(moto.endpoint, primary), BLOB_ENV: 'dev' });
}, 120_000);
afterAll(() => moto?.stop());

test('kvstore --region <replica> writes and reads the replica region\'s table, not the primary\'s', async () => {
  const set = await kvstore(['--region', replica, 'set', 'replica/probe', 'west'], env);
  expect(set.code).toBe(0);
  expect((await kv.replica!.get('replica/probe'))?.value).toBe('west');
  expect(await kv.primary!.get('replica/probe')).toBeUndefined();
  const got = await kvstore(['--region', replica, 'get', 'replica/probe', '--format', 'value'], env);
  expect(got.stdout.trim()).toBe('west');
  expect((await kvstore(['get', 'replica/probe'], env)).code).toBe(EXIT.NOT_FOUND);
});

test('blob --region <replica> reads the replica bucket, as kvstore finds the replica table', async () => {
  const r = await blob(['--region', replica, 'get', 'critical/where.txt', '-'], { env });
  expect(r).toMatchObject({ code: 0, stdout: 'replica' });
  expect((await blob(['get', 'critical/where.txt', '-'], { env })).stdout).toBe('primary');
});

test('--version prints package.json\'s version for both CLIs', async () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect((await kvstore(['--version'], env)).stdout.trim()).toBe(version);
  expect((await blob(['--version'], { env })).stdout.trim()).toBe(version);
});

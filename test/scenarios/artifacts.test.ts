import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clientConfig } from '../../core/aws-config';
import { HandlerFixture, lambdaContext, objectCreated, resent, startHandlerFixture } from '../handlers/fixture';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

let h: HandlerFixture;
const context = lambdaContext();
let handler: (typeof import('../../lambda/artifacts-deploy'))['handler'];
beforeAll(async () => {
  h = await startHandlerFixture();
  ({ handler } = await import('../../lambda/artifacts-deploy'));
  // What the storage stack publishes, so the documented commands find the environment.
  const ssm = new SSMClient(clientConfig({ endpoint: h.moto.endpoint, region: 'eu-central-1' }));
  await ssm.send(new PutParameterCommand({ Name: '/blob/dev/bucket-name', Value: h.bucket, Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/blob/dev/kvstore-table-name', Value: h.tables.kvstore, Type: 'String' }));
});
afterAll(() => h?.moto.stop());

const V1 = Buffer.from('PK\u0003\u0004 app v1 bytes');
const V2 = Buffer.from('PK\u0003\u0004 app v2 bytes, different');
const value = async (key: string) => (await h.kv.get(key))?.value;

async function deploy(version: string, body: Buffer, commit: string, time: string) {
  const put = await h.put(`artifacts/${version}/app.zip`, body, { version, commit, build_time: '1731696000' });
  return { put, event: objectCreated(h.bucket, put, time) };
}

let v1VersionId = '';

test('v1 then v2: latest moves forward, deploys counted once each, rollback references pin exact versions', async () => {
  const v1 = await deploy('v1.0.0', V1, 'aaaaaaa1', '2025-11-15T10:00:00Z');
  v1VersionId = v1.put.versionId;
  expect(await handler(v1.event, context)).toMatchObject({ latest: true, counted: true, notified: 'published' });
  const v2 = await deploy('v2.0.0', V2, 'bbbbbbb2', '2025-11-15T11:00:00Z');
  expect(await handler(v2.event, context)).toMatchObject({ latest: true, counted: true });

  expect(await value('deployment/latest-version')).toBe('v2.0.0');
  expect(await value('deployment/latest-commit')).toBe('bbbbbbb2');
  expect(await value('deployment/total-deploys')).toBe(2);
  expect(await value('deployment/rollback-v1.0.0')).toMatchObject({ bucket: h.bucket, key: 'artifacts/v1.0.0/app.zip', versionId: v1.put.versionId, commit: 'aaaaaaa1' });
  const sent = await h.drainNotifications();
  expect(sent.map((s) => s.body.version)).toEqual(['v1.0.0', 'v2.0.0']);

  // Duplicate delivery of v1 (a re-send), and a replay after the idempotency record is gone (it
  // expires, or a DLQ redrive days later), change nothing: the kvstore writes are exactly-once too.
  await handler(resent(v1.event), context);
  await h.forgetIdempotency();
  expect(await handler(resent(v1.event), context)).toMatchObject({ latest: false, rollback: false, counted: false, notified: 'already-notified' });
  expect(await value('deployment/latest-version')).toBe('v2.0.0');
  expect(await value('deployment/total-deploys')).toBe(2);
  expect(await h.drainNotifications()).toEqual([]);
});

test('an older event delivered after a newer one does not regress latest-version', async () => {
  const late = await deploy('v2.1.0', Buffer.from('v2.1'), 'ccccccc3', '2025-11-15T10:30:00Z');
  expect(await handler(late.event, context)).toMatchObject({ latest: false, rollback: true, counted: true });
  expect(await value('deployment/latest-version')).toBe('v2.0.0');
  expect(await value('deployment/latest-commit')).toBe('bbbbbbb2');
  expect(await value('deployment/total-deploys')).toBe(3);
  expect(await value('deployment/rollback-v2.1.0')).toMatchObject({ versionId: late.put.versionId });
  await h.drainNotifications();
});

test('an artifact without commit metadata is rejected with the fix and changes nothing', async () => {
  const put = await h.put('artifacts/v3.0.0/app.zip', Buffer.from('x'), { version: 'v3.0.0' });
  const result = await handler(objectCreated(h.bucket, put, '2025-11-15T12:00:00Z'), context);
  expect(result).toEqual({ rejected: 'artifact artifacts/v3.0.0/app.zip lacks metadata commit: re-upload with --metadata version=v3.0.0 --metadata commit=<sha>' });
  expect(await value('deployment/latest-version')).toBe('v2.0.0');
  expect(await value('deployment/rollback-v3.0.0')).toBeUndefined();
});

test('acceptance: after v1 then v2, the documented rollback command yields a working link to v1’s exact bytes', async () => {
  // v1's key is overwritten after deployment: the link must still serve the deployed version.
  await h.put('artifacts/v1.0.0/app.zip', Buffer.from('overwritten later'), { version: 'v1.0.0', commit: 'dddddddd' });
  const { stdout } = await run(TSX, [join(ROOT, 'tools', 'rollback-link.ts'), 'v1.0.0', '--env', 'dev', '--expires', '15m', '--json'], { env: { ...process.env, ...h.env } });
  const link = JSON.parse(stdout) as { url: string; versionId: string; expiresIn: number };
  expect(link).toMatchObject({ versionId: v1VersionId, expiresIn: 900 });
  expect(link.url).toContain(`versionId=${encodeURIComponent(v1VersionId)}`);
  const res = await fetch(link.url);
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(V1)).toBe(true);
});

test('the rollback command refuses unknown versions and links over 7 days, with what to do', async () => {
  const fail = (args: string[]) => run(TSX, [join(ROOT, 'tools', 'rollback-link.ts'), ...args], { env: { ...process.env, ...h.env } }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  const lastLine = (s: string) => s.trimEnd().split('\n').pop();
  const unknown = await fail(['v9.9.9', '--env', 'dev']);
  expect(unknown.code).toBe(5);
  expect(lastLine(unknown.stderr)).toBe('rollback-link: error: no rollback reference for version "v9.9.9" (list deployed versions with: kvstore list deployment/rollback-)');
  const tooLong = await fail(['v1.0.0', '--env', 'dev', '--expires', '8d']);
  expect(tooLong.code).toBe(2);
  expect(lastLine(tooLong.stderr)).toMatch(/longer than 7 days/);
});

test('the same link composed from the CLIs: kvstore get the reference, blob presign its ?versionId=', async () => {
  const cli = (tool: string, args: string[]) =>
    run(TSX, [join(ROOT, 'cli', tool, 'main.ts'), ...args], { env: { ...process.env, ...h.env, BLOB_ENV: 'dev' } }).then((r) => r.stdout.trim());
  const ref = JSON.parse(await cli('kvstore', ['get', 'deployment/rollback-v1.0.0', '--format', 'value'])) as { bucket: string; key: string; versionId: string };
  const url = await cli('blob', ['presign', `s3://${ref.bucket}/${ref.key}?versionId=${ref.versionId}`, '--expires', '1h']);
  const res = await fetch(url);
  expect(Buffer.from(await res.arrayBuffer()).equals(V1)).toBe(true);
});

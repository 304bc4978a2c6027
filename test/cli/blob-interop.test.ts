import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { MotoServer, startMoto } from '../support/moto';
import { AWS, blob, cliEnv, createVersionedBucket, ensureBlobBuilt, run, RunResult, s3For, shellWorkspace } from './blob-harness';

/**
 * Interoperability with the AWS CLI on the same endpoint: what blob writes, `aws` reads with
 * metadata, content type and tags intact, and the other way round (including multipart objects
 * and directory trees, where blob's "identical" check must recognise aws-written files).
 */
const BUCKET = 'blob-interop';
let moto: MotoServer;
let s3: S3Client;
const ws = shellWorkspace();

const aws = (args: string[], input?: Buffer): Promise<RunResult> =>
  run(AWS, ['--endpoint-url', moto.endpoint, '--output', 'json', ...args], { env: cliEnv(moto.endpoint), cwd: ws.dir, ...(input ? { input } : {}) });
const b = (args: string[], input?: Buffer): Promise<RunResult> => blob(args, { env: cliEnv(moto.endpoint), cwd: ws.dir, ...(input ? { input } : {}) });
const ok = (r: RunResult): RunResult => {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return r;
};
const sha = (buf: Buffer | string): string => createHash('sha256').update(buf).digest('hex');
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 12)) % 251));

beforeAll(async () => {
  ensureBlobBuilt();
  moto = await startMoto();
  s3 = s3For(moto.endpoint);
  await createVersionedBucket(s3, BUCKET);
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

describe('blob → aws', () => {
  it('aws reads content, metadata, content type and tags of a blob put', async () => {
    writeFileSync(join(ws.dir, 'report.json'), '{"ok":true}\n');
    ok(await b(['put', 'report.json', `s3://${BUCKET}/reports/r1.json`, '--metadata', 'agent=claude-code', '--metadata', 'Type=analysis', '--tags', 'project=api,phase=discovery']));
    const head = JSON.parse(ok(await aws(['s3api', 'head-object', '--bucket', BUCKET, '--key', 'reports/r1.json'])).stdout) as { Metadata: unknown; ContentType: string };
    expect(head.Metadata).toEqual({ agent: 'claude-code', type: 'analysis' });
    expect(head.ContentType).toBe('application/json');
    const tags = JSON.parse(ok(await aws(['s3api', 'get-object-tagging', '--bucket', BUCKET, '--key', 'reports/r1.json'])).stdout) as { TagSet: unknown[] };
    expect(tags.TagSet).toEqual(expect.arrayContaining([{ Key: 'project', Value: 'api' }, { Key: 'phase', Value: 'discovery' }]));
    expect(ok(await aws(['s3', 'cp', `s3://${BUCKET}/reports/r1.json`, '-'])).stdout).toBe('{"ok":true}\n');
  });

  it('aws downloads a multipart object blob streamed from stdin', async () => {
    const data = pattern(9 * 1024 * 1024 + 123);
    const put = JSON.parse(ok(await b(['put', '-', `s3://${BUCKET}/streams/big.bin`, '--metadata', 'source=stdin'], data)).stdout) as { parts: number };
    expect(put.parts).toBe(2);
    ok(await aws(['s3', 'cp', `s3://${BUCKET}/streams/big.bin`, 'big-from-aws.bin']));
    expect(sha(readFileSync(join(ws.dir, 'big-from-aws.bin')))).toBe(sha(data));
    const head = JSON.parse(ok(await aws(['s3api', 'head-object', '--bucket', BUCKET, '--key', 'streams/big.bin'])).stdout) as { Metadata: unknown };
    expect(head.Metadata).toEqual({ source: 'stdin' });
  });

  it('a blob copy keeps metadata and tags as aws sees them', async () => {
    ok(await b(['copy', `s3://${BUCKET}/reports/r1.json`, `s3://${BUCKET}/reports/r1-copy.json`]));
    const head = JSON.parse(ok(await aws(['s3api', 'head-object', '--bucket', BUCKET, '--key', 'reports/r1-copy.json'])).stdout) as { Metadata: unknown };
    expect(head.Metadata).toEqual({ agent: 'claude-code', type: 'analysis' });
    const tags = JSON.parse(ok(await aws(['s3api', 'get-object-tagging', '--bucket', BUCKET, '--key', 'reports/r1-copy.json'])).stdout) as { TagSet: unknown[] };
    expect(tags.TagSet).toHaveLength(2);
  });
});

describe('aws → blob', () => {
  it('blob reads content, metadata and tags of an aws upload', async () => {
    writeFileSync(join(ws.dir, 'notes.txt'), 'from the aws cli\n');
    ok(await aws(['s3', 'cp', 'notes.txt', `s3://${BUCKET}/aws/notes.txt`, '--metadata', 'origin=awscli,rev=3']));
    ok(await aws(['s3api', 'put-object-tagging', '--bucket', BUCKET, '--key', 'aws/notes.txt', '--tagging', 'TagSet=[{Key=team,Value=data}]']));
    const head = JSON.parse(ok(await b(['head', `s3://${BUCKET}/aws/notes.txt`])).stdout) as Record<string, unknown>;
    expect(head).toMatchObject({ size: 17, content_type: 'text/plain', metadata: { origin: 'awscli', rev: '3' }, tags: { team: 'data' } });
    expect(ok(await b(['get', `s3://${BUCKET}/aws/notes.txt`, '-'])).stdout).toBe('from the aws cli\n');
    const listed = JSON.parse(ok(await b(['list', `s3://${BUCKET}/aws/`, '--with-metadata'])).stdout) as { objects: Array<Record<string, unknown>> };
    expect(listed.objects).toEqual([expect.objectContaining({ key: 'aws/notes.txt', metadata: { origin: 'awscli', rev: '3' }, tags: { team: 'data' } })]);
  });

  it('blob downloads an aws multipart upload, and ranges of it', async () => {
    const data = pattern(10 * 1024 * 1024);
    writeFileSync(join(ws.dir, 'mp.bin'), data);
    ok(await aws(['s3', 'cp', 'mp.bin', `s3://${BUCKET}/aws/mp.bin`]));
    ok(await b(['get', `s3://${BUCKET}/aws/mp.bin`, 'mp-from-blob.bin']));
    expect(sha(readFileSync(join(ws.dir, 'mp-from-blob.bin')))).toBe(sha(data));
    ok(await b(['get', `s3://${BUCKET}/aws/mp.bin`, 'range.bin', '--range', '8388600-8388615']));
    expect(readFileSync(join(ws.dir, 'range.bin'))).toEqual(data.subarray(8388600, 8388616));
  });

  it('directory trees: aws-synced files count as identical for blob get-dir/put-dir', async () => {
    const tree = join(ws.dir, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(tree, i % 2 ? 'sub' : '', `f${i}.txt`), `file ${i}\n`);
    ok(await aws(['s3', 'cp', '--recursive', 'tree', `s3://${BUCKET}/tree/`]));
    const first = JSON.parse(ok(await b(['get-dir', `s3://${BUCKET}/tree/`, 'copy'])).stdout) as { transferred: number; skipped: number };
    expect(first).toMatchObject({ transferred: 5, skipped: 0 });
    expect(readFileSync(join(ws.dir, 'copy', 'sub', 'f1.txt'), 'utf8')).toBe('file 1\n');
    const again = JSON.parse(ok(await b(['get-dir', `s3://${BUCKET}/tree/`, 'copy'])).stdout) as { transferred: number; skipped: number };
    expect(again).toMatchObject({ transferred: 0, skipped: 5 });
    writeFileSync(join(tree, 'f0.txt'), 'changed\n');
    const put = JSON.parse(ok(await b(['put-dir', 'tree', `s3://${BUCKET}/tree/`])).stdout) as { transferred: number; skipped: number; files: Array<{ key: string; action: string }> };
    expect(put).toMatchObject({ transferred: 1, skipped: 4 });
    expect(put.files.find((f) => f.action === 'uploaded')?.key).toBe('tree/f0.txt');
    expect(ok(await aws(['s3', 'cp', `s3://${BUCKET}/tree/f0.txt`, '-'])).stdout).toBe('changed\n');
  });
});

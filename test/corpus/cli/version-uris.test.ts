import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../cli/shared/cli-errors';
import { shellWorkspace } from '../../cli/blob-harness';
import type { MotoServer } from '../../support/moto';
import { CliCase, expectRefused, runBlob, Runner, startCorpus, stopCorpus, versionSnapshot } from './cli-corpus';

/**
 * Class 5: `key?versionId=V` as a bare key behaves like s3://bucket/key?versionId=V for get, head,
 * copy (source), delete and presign; get reports the version it read; `--literal-key` reaches a key
 * that really contains "?versionId=".
 */
const BUCKET = 'corpus-version-uris';
let moto: MotoServer;
let s3: S3Client;
let r: Runner;
const ws = shellWorkspace();
const v: Record<'one' | 'two' | 'literal' | 'scratch1' | 'scratch2', string> = { one: '', two: '', literal: '', scratch1: '', scratch2: '' };
let before: string[];

async function put(key: string, body: string): Promise<string> {
  return (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))).VersionId!;
}

async function body(key: string, versionId?: string): Promise<string> {
  return (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(versionId ? { VersionId: versionId } : {}) }))).Body!.transformToString();
}

beforeAll(async () => {
  ({ moto, s3, runner: r } = await startCorpus(BUCKET, ws.dir));
  v.one = await put('doc.txt', 'first');
  v.two = await put('doc.txt', 'second');
  v.literal = await put('odd?versionId=x', 'literal key');
  v.scratch1 = await put('scratch.txt', 's1');
  v.scratch2 = await put('scratch.txt', 's2');
  writeFileSync(join(ws.dir, 'keep.txt'), 'keep me');
  before = await versionSnapshot(s3, BUCKET);
}, 120_000);

afterAll(() => stopCorpus({ moto, s3 }));

describe('bare key?versionId=V addresses that version', () => {
  test('get reads the version and reports it', async () => {
    const res = await runBlob(r, ['get', `doc.txt?versionId=${v.one}`, 'one.txt']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ uri: `s3://${BUCKET}/doc.txt`, version_id: v.one });
    expect(readFileSync(join(ws.dir, 'one.txt'), 'utf8')).toBe('first');
  });

  test('get of the current version reports which version that was', async () => {
    const res = await runBlob(r, ['get', 'doc.txt', 'current.txt']);
    expect(JSON.parse(res.stdout)).toMatchObject({ version_id: v.two });
  });

  test('get to stdout streams that version', async () => {
    expect((await runBlob(r, ['get', `doc.txt?versionId=${v.one}`, '-'])).stdout).toBe('first');
  });

  test('head describes that version', async () => {
    const res = await runBlob(r, ['head', `doc.txt?versionId=${v.one}`]);
    expect(JSON.parse(res.stdout)).toMatchObject({ key: 'doc.txt', version_id: v.one, size: 5 });
  });

  test('copy takes that version as its source', async () => {
    const res = await runBlob(r, ['copy', `doc.txt?versionId=${v.one}`, 'copies/doc.txt']);
    expect(JSON.parse(res.stdout)).toMatchObject({ source: `s3://${BUCKET}/doc.txt`, source_version_id: v.one });
    expect(await body('copies/doc.txt')).toBe('first');
  });

  test('presign signs the version, not a key containing "?versionId="', async () => {
    const res = await runBlob(r, ['presign', `doc.txt?versionId=${v.one}`]);
    const url = new URL(res.stdout.trim());
    expect(url.pathname).toBe(`/${BUCKET}/doc.txt`);
    expect(url.searchParams.get('versionId')).toBe(v.one);
    expect(await (await fetch(url)).text()).toBe('first');
  });

  test('delete removes exactly that version', async () => {
    const res = await runBlob(r, ['delete', `scratch.txt?versionId=${v.scratch1}`]);
    expect(JSON.parse(res.stdout)).toMatchObject({ version_id: v.scratch1, delete_marker: false });
    expect(await body('scratch.txt')).toBe('s2');
    before = before.filter((x) => !x.startsWith(`scratch.txt@${v.scratch1}:`));
  });

  test('--literal-key reaches a key that really contains "?versionId="', async () => {
    const res = await runBlob(r, ['--literal-key', 'get', 'odd?versionId=x', '-']);
    expect(res).toMatchObject({ code: 0, stdout: 'literal key' });
  });

  test('select reads that version (client engine)', async () => {
    const res = await runBlob(r, ['select', `doc.txt?versionId=${v.one}`, 'SELECT * FROM s3object', '--format', 'csv', '--no-header']);
    expect(res.stdout).toBe('{"_1":"first"}\n');
  });

  test('the s3:// form and the bare form read the same version', async () => {
    const a = await runBlob(r, ['get', `s3://${BUCKET}/doc.txt?versionId=${v.one}`, '-']);
    const b = await runBlob(r, ['get', `doc.txt?versionId=${encodeURIComponent(v.one)}`, '-']);
    expect([a.stdout, b.stdout]).toEqual(['first', 'first']);
  });
});

const cases = (): CliCase[] => [
  {
    name: 'empty versionId in a bare key',
    args: ['get', 'doc.txt?versionId=', '-'],
    exit: EXIT.USAGE,
    line: 'blob: error: empty versionId in "doc.txt?versionId=" (write key?versionId=<id> (ids: blob versions KEY), or pass --literal-key if the key really ends in "?versionId=")',
  },
  {
    name: '?versionId= and --version-id disagree',
    args: ['get', `doc.txt?versionId=${v.one}`, '-', '--version-id', v.two],
    exit: EXIT.USAGE,
    line: `blob: error: "doc.txt?versionId=${v.one}" names version ${v.one} but --version-id says ${v.two} (give the version once, or pass --literal-key if "?versionId=" is part of the key)`,
  },
  {
    name: 'a PUT link for a version',
    args: ['presign', `doc.txt?versionId=${v.one}`, '--method', 'PUT'],
    exit: EXIT.USAGE,
    line: 'blob: error: a PUT link cannot target a version (drop --version-id / ?versionId=)',
  },
  {
    name: 'a version that does not exist (bare form)',
    args: ['head', 'doc.txt?versionId=nosuchversion'],
    exit: EXIT.NOT_FOUND,
    line: 'blob: error: head doc.txt?versionId=nosuchversion: not found (check the key with `blob list` and version ids with `blob versions`)',
  },
  {
    name: 'a literal "?versionId=" key read without --literal-key is a version lookup, not that key',
    args: ['get', 'odd?versionId=x', 'keep.txt'],
    exit: EXIT.NOT_FOUND,
    line: 'blob: error: get odd?versionId=x: version does not exist (check the key with `blob list` and version ids with `blob versions`)',
  },
  {
    name: 'malformed percent-encoding in the version',
    args: ['get', 'doc.txt?versionId=%zz', '-'],
    exit: EXIT.USAGE,
    line: 'blob: error: malformed versionId "%zz" in "doc.txt?versionId=%zz" (percent-encode it, or pass --literal-key if "?versionId=" is part of the key)',
  },
  {
    name: 'a version as the upload destination',
    args: ['put', 'keep.txt', `doc.txt?versionId=${v.one}`],
    exit: EXIT.USAGE,
    line: `blob: error: "doc.txt?versionId=${v.one}" names a version, but an upload destination cannot be a version (drop ?versionId= (or --version-id), or pass --literal-key if it is part of the key)`,
  },
  {
    name: 'a version as the copy destination',
    args: ['copy', 'doc.txt', `copies/x.txt?versionId=${v.one}`],
    exit: EXIT.USAGE,
    line: `blob: error: "copies/x.txt?versionId=${v.one}" names a version, but the copy destination cannot be a version (drop ?versionId= (or --version-id), or pass --literal-key if it is part of the key)`,
  },
  {
    name: 'a version on a listed prefix',
    args: ['list', 'doc?versionId=abc'],
    exit: EXIT.USAGE,
    line: 'blob: error: "doc?versionId=abc" names a version, but a listed prefix cannot be a version (drop ?versionId= (or --version-id), or pass --literal-key if it is part of the key)',
  },
  {
    name: 'a version given to versions',
    args: ['versions', `doc.txt?versionId=${v.one}`],
    exit: EXIT.USAGE,
    line: `blob: error: "doc.txt?versionId=${v.one}" names a version, but the key whose versions are listed cannot be a version (drop ?versionId= (or --version-id), or pass --literal-key if it is part of the key)`,
  },
  {
    name: 'S3 Select asked for a version (it would read the current one)',
    args: ['select', `doc.txt?versionId=${v.one}`, 'SELECT * FROM s3object', '--format', 'csv', '--engine', 's3'],
    exit: EXIT.USAGE,
    line: 'blob: error: S3 Select cannot read a specific version (drop --engine s3 (the client engine reads that version))',
  },
];
const CASE_NAMES = [
  'a version as the upload destination',
  'a version as the copy destination',
  'a version on a listed prefix',
  'a version given to versions',
  'S3 Select asked for a version (it would read the current one)',
  'empty versionId in a bare key',
  '?versionId= and --version-id disagree',
  'a PUT link for a version',
  'a version that does not exist (bare form)',
  'a literal "?versionId=" key read without --literal-key is a version lookup, not that key',
  'malformed percent-encoding in the version',
];

describe('bad version URIs are refused with one line, and nothing is lost', () => {
  // Cases are built when they run: the version ids exist only after beforeAll.
  test.each(CASE_NAMES)('%s', async (name) => expectRefused(r, cases().find((c) => c.name === name)!));

  test('nothing was lost: every version is as before, the local file untouched', async () => {
    expect(readFileSync(join(ws.dir, 'keep.txt'), 'utf8')).toBe('keep me');
    const after = (await versionSnapshot(s3, BUCKET)).filter((x) => !x.startsWith('copies/'));
    expect(after).toEqual(before);
  });
});

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../cli/shared/cli-errors';
import { freePort, MotoServer, startMoto } from '../support/moto';
import { blob, cliEnv, createVersionedBucket, ensureBlobBuilt, publishEnvironment, s3For, shellWorkspace } from './blob-harness';

/**
 * Bad input: each case must fail with exactly one stderr line of the form
 * `blob: error: <what> (<what to do>)`, the documented exit code, nothing on stdout, and no
 * damage (an existing destination file is left as it was).
 */
const BUCKET = 'blob-errors';
let moto: MotoServer;
let s3: S3Client;
const ws = shellWorkspace();
const tags11 = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join(',');

interface BadCase {
  readonly name: string;
  readonly args: string[];
  readonly exit: number;
  /** A fragment the error line must contain, so the message says what was wrong. */
  readonly says: RegExp;
  readonly env?: Record<string, string | undefined>;
  readonly input?: string;
}

const CASES: BadCase[] = [
  { name: 'malformed URI', args: ['get', 's3:/blob-errors/k', '-'], exit: EXIT.USAGE, says: /malformed S3 URI/ },
  { name: 'http URL instead of s3://', args: ['get', 'https://example.com/k', '-'], exit: EXIT.USAGE, says: /not an S3 location/ },
  { name: 'invalid bucket name', args: ['get', 's3://Bad_Bucket/k', '-'], exit: EXIT.USAGE, says: /invalid bucket name "Bad_Bucket"/ },
  { name: 'missing bucket', args: ['get', 's3://no-such-bucket-here/k', '-'], exit: EXIT.NOT_FOUND, says: /bucket does not exist/ },
  { name: 'missing key (get)', args: ['get', `s3://${BUCKET}/nope.txt`, 'existing.txt'], exit: EXIT.NOT_FOUND, says: /not found/ },
  { name: 'missing key (head)', args: ['head', `s3://${BUCKET}/nope.txt`], exit: EXIT.NOT_FOUND, says: /not found/ },
  { name: 'missing key (versions)', args: ['versions', `s3://${BUCKET}/nope.txt`], exit: EXIT.NOT_FOUND, says: /no versions/ },
  { name: 'missing version', args: ['get', `s3://${BUCKET}/present.txt`, '-', '--version-id', 'nonexistentversion'], exit: EXIT.NOT_FOUND, says: /./ },
  { name: 'prefix where an object is needed', args: ['get', `s3://${BUCKET}/dir/`, '-'], exit: EXIT.USAGE, says: /names a prefix/ },
  { name: 'empty prefix for get-dir', args: ['get-dir', `s3://${BUCKET}/empty/`, 'out'], exit: EXIT.NOT_FOUND, says: /no objects under/ },
  { name: 'SQL syntax error', args: ['select', `s3://${BUCKET}/data.csv`, 'SELEC * FRM s3object'], exit: EXIT.USAGE, says: /invalid SQL: SQL syntax error/ },
  { name: 'SQL from another table', args: ['select', `s3://${BUCKET}/data.csv`, 'SELECT * FROM users'], exit: EXIT.USAGE, says: /FROM s3object/ },
  { name: 'unsupported SQL function', args: ['select', `s3://${BUCKET}/data.csv`, 'SELECT md5(a) FROM s3object'], exit: EXIT.USAGE, says: /unsupported function MD5/ },
  { name: 'CSV declared as Parquet', args: ['select', `s3://${BUCKET}/data.csv`, 'SELECT * FROM s3object', '--format', 'parquet'], exit: EXIT.USAGE, says: /not a Parquet file/ },
  { name: 'unknown input format', args: ['select', `s3://${BUCKET}/data.bin`, 'SELECT * FROM s3object'], exit: EXIT.USAGE, says: /cannot tell the input format/ },
  { name: 'expiry over 7 days', args: ['presign', `s3://${BUCKET}/present.txt`, '--expires', '8d'], exit: EXIT.USAGE, says: /longer than 7 days.*SigV4/ },
  { name: 'unparseable expiry', args: ['presign', `s3://${BUCKET}/present.txt`, '--expires', 'soon'], exit: EXIT.USAGE, says: /invalid duration "soon"/ },
  { name: 'unsupported presign method', args: ['presign', `s3://${BUCKET}/present.txt`, '--method', 'DELETE'], exit: EXIT.USAGE, says: /unsupported --method/ },
  { name: 'unknown environment', args: ['put', 'file.txt', 'a.json', '--env', 'qa'], exit: EXIT.CONFIG, says: /unknown environment "qa"/ },
  { name: 'environment not deployed', args: ['get', 'a.json', '-', '--env', 'staging'], exit: EXIT.CONFIG, says: /not deployed/ },
  { name: 'short key without environment', args: ['get', 'sessions/a.json', '-'], exit: EXIT.USAGE, says: /no bucket is known/ },
  {
    name: 'no credentials',
    args: ['head', `s3://${BUCKET}/present.txt`],
    exit: EXIT.AUTH,
    says: /no usable AWS credentials/,
    env: {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: 'nonexistent',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  },
  { name: 'unreadable local file', args: ['put', 'does-not-exist.bin', `s3://${BUCKET}/x`], exit: EXIT.LOCAL_IO, says: /no such file or directory/ },
  { name: 'unwritable destination', args: ['get', `s3://${BUCKET}/present.txt`, 'file.txt/sub/out.txt'], exit: EXIT.LOCAL_IO, says: /not a directory|file already exists|EEXIST/ },
  { name: 'directory as put source', args: ['put', 'adir', `s3://${BUCKET}/x`], exit: EXIT.USAGE, says: /is a directory.*put-dir/ },
  { name: 'file as put-dir source', args: ['put-dir', 'file.txt', `s3://${BUCKET}/x/`], exit: EXIT.USAGE, says: /not a directory/ },
  { name: 'range end before start', args: ['get', `s3://${BUCKET}/present.txt`, '-', '--range', '5-2'], exit: EXIT.USAGE, says: /end is before start/ },
  { name: 'range not numeric', args: ['get', `s3://${BUCKET}/present.txt`, '-', '--range', 'first-10'], exit: EXIT.USAGE, says: /invalid --range/ },
  { name: 'metadata without =', args: ['put', 'file.txt', `s3://${BUCKET}/x`, '--metadata', 'agent'], exit: EXIT.USAGE, says: /invalid --metadata "agent"/ },
  { name: 'metadata key with spaces', args: ['put', 'file.txt', `s3://${BUCKET}/x`, '--metadata', 'my key=v'], exit: EXIT.USAGE, says: /invalid metadata key/ },
  { name: 'tags without key', args: ['put', 'file.txt', `s3://${BUCKET}/x`, '--tags', '=x'], exit: EXIT.USAGE, says: /invalid --tags/ },
  { name: 'more than 10 tags', args: ['put', 'file.txt', `s3://${BUCKET}/x`, '--tags', tags11], exit: EXIT.USAGE, says: /at most 10 tags/ },
  { name: 'unknown storage class', args: ['put', 'file.txt', `s3://${BUCKET}/x`, '--storage-class', 'COLD'], exit: EXIT.USAGE, says: /unknown storage class "COLD"/ },
  { name: 'invalid --since', args: ['list', `s3://${BUCKET}/`, '--since', 'whenever'], exit: EXIT.USAGE, says: /--since "whenever" names no point in time/ },
  { name: 'unknown list format', args: ['list', `s3://${BUCKET}/`, '--format', 'xml'], exit: EXIT.USAGE, says: /xml/ },
  { name: 'unknown command', args: ['upload', 'a', 'b'], exit: EXIT.USAGE, says: /unknown command 'upload'/ },
  { name: 'missing argument', args: ['put', 'file.txt'], exit: EXIT.USAGE, says: /missing required argument 'dst'/ },
  { name: 'invalid --endpoint', args: ['head', `s3://${BUCKET}/present.txt`, '--endpoint', 'localhost'], exit: EXIT.USAGE, says: /invalid --endpoint/ },
  { name: 'history without environment', args: ['history', 'present.txt'], exit: EXIT.USAGE, says: /no environment given/ },
];

beforeAll(async () => {
  ensureBlobBuilt();
  moto = await startMoto();
  s3 = s3For(moto.endpoint);
  await createVersionedBucket(s3, BUCKET);
  await publishEnvironment(moto.endpoint, 'dev', BUCKET, 'blob-errors-kv');
  for (const [Key, Body] of [
    ['present.txt', 'hello'],
    ['data.csv', 'a,b\n1,2\n'],
    ['data.bin', 'x'],
  ] as const) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  }
  writeFileSync(join(ws.dir, 'file.txt'), 'local');
  writeFileSync(join(ws.dir, 'existing.txt'), 'keep me');
  mkdirSync(join(ws.dir, 'adir'));
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

describe('blob rejects bad input with one line and a documented exit code', () => {
  test.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await blob(c.args, { env: { ...cliEnv(moto.endpoint), ...c.env }, cwd: ws.dir, ...(c.input ? { input: c.input } : {}) });
    const lines = r.stderr.split('\n').filter(Boolean);
    expect({ code: r.code, lines: lines.length, stdout: r.stdout }).toEqual({ code: c.exit, lines: 1, stdout: '' });
    expect(lines[0]).toMatch(/^blob: error: .+ \(.+\)$/);
    expect(lines[0]).toMatch(c.says);
  });

  it('a failed download leaves the existing destination untouched', () => {
    // The "missing key (get)" case above targeted existing.txt.
    expect(readFileSync(join(ws.dir, 'existing.txt'), 'utf8')).toBe('keep me');
  });

  it('an unreachable endpoint exits UNAVAILABLE after retrying', async () => {
    const port = await freePort();
    const r = await blob(['head', `s3://${BUCKET}/present.txt`], { env: { ...cliEnv(`http://127.0.0.1:${port}`) }, cwd: ws.dir });
    expect(r.code).toBe(EXIT.UNAVAILABLE);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^blob: error: head s3:\/\/blob-errors\/present.txt: cannot reach the service .* \(check --endpoint/)]);
  });
});

import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { downloadInto, downloadTo, downloadToPath, type DownloadSource, type Sink } from '../../cli/blob/transfer/download';
import { MiB } from '../../cli/blob/transfer/part-plan';
import { uploadFile, uploadStream } from '../../cli/blob/transfer/upload';
import { wireFor } from '../../cli/blob/transfer/wire';
import { getRangeInto } from '../../cli/blob/transfer/wire-ops';
import { blob, cliEnv, ensureBlobBuilt } from './blob-harness';
import { type Chain, pattern, sha256, startSeededChain } from './wire-proxy';

/**
 * The lean data path (cli/blob/transfer/wire*.ts) against moto behind the IAM gateway, seen
 * through a recording proxy: which path served each transfer, that the bytes are exact either way,
 * that errors read as the SDK's own, and that kept-alive sockets are reused and replaced.
 */
const BUCKET = 'wire-test';
const BIG = pattern(5 * MiB + 7, 11); // six 1 MiB ranges, the last one short
const SMALL = pattern(100 * 1024 + 3, 12);
let chain: Chain;
let s3: S3Client;
let dir: string;
let OLD_VERSION: string;

beforeAll(async () => {
  let versions: string[];
  ({ chain, s3, dir, versions } = await startSeededChain(BUCKET, [
    ['big.bin', BIG],
    ['small.bin', SMALL],
    ['empty.bin', Buffer.alloc(0)],
    ['versioned.bin', SMALL],
    ['versioned.bin', BIG],
  ]));
  OLD_VERSION = versions[3] as string;
}, 60_000);

afterAll(async () => {
  await chain?.stop();
});

beforeEach(() => chain.proxy.reset());

/** Runs `fn` with the wire on or off (BLOB_WIRE is read per request). */
async function withWire<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
  const before = process.env.BLOB_WIRE;
  if (on) delete process.env.BLOB_WIRE;
  else process.env.BLOB_WIRE = 'off';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.BLOB_WIRE;
    else process.env.BLOB_WIRE = before;
  }
}

const OPTS = { chunkSize: MiB, concurrency: 3 };

async function toFile(client: S3Client, src: DownloadSource): Promise<Buffer> {
  const path = join(mkdtempSync(join(dir, 'get-')), 'out.bin');
  await downloadToPath(client, src, path, OPTS);
  return readFileSync(path);
}

async function toStream(client: S3Client, src: DownloadSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (c: Buffer, _e, cb) => void (chunks.push(Buffer.from(c)), cb()) });
  await downloadTo(client, src, out, OPTS);
  return Buffer.concat(chunks);
}

async function sdkBytes(key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

/** The error a transfer fails with, as callers see it. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  const err = (await p.then(() => undefined, (e: unknown) => e)) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
  if (!err) throw new Error('expected the transfer to fail');
  return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
}

describe.each([
  ['on the wire', true],
  ['with BLOB_WIRE=off', false],
])('transfers %s', (_label, on) => {
  const served = (): void => {
    // Every object byte went the expected way; the other path carried no data request at all.
    expect(chain.proxy.data(on ? 'sdk' : 'wire')).toEqual([]);
    expect(chain.proxy.data(on ? 'wire' : 'sdk').length).toBeGreaterThan(0);
  };

  it.each([
    ['a 6-range object to a file', 'big.bin', BIG, toFile, undefined],
    ['a 6-range object to a stream', 'big.bin', BIG, toStream, undefined],
    ['a one-range object to a file', 'small.bin', SMALL, toFile, undefined],
    ['a one-range object to a stream', 'small.bin', SMALL, toStream, undefined],
    ['a byte range to a file', 'big.bin', BIG.subarray(MiB - 5, 2 * MiB + 5), toFile, { start: MiB - 5, end: 2 * MiB + 4 }],
    ['a suffix range to a stream', 'big.bin', BIG.subarray(BIG.length - 1000), toStream, { suffix: 1000 }],
  ] as const)('downloads %s', async (_what, key, expected, how, range) => {
    const got = await withWire(on, () => how(s3, { bucket: BUCKET, key, ...(range ? { range } : {}) }));
    expect(sha256(got)).toBe(sha256(expected));
    served();
  });

  it('downloads an older version by its id (a signed query string)', async () => {
    const got = await withWire(on, () => toFile(s3, { bucket: BUCKET, key: 'versioned.bin', versionId: OLD_VERSION }));
    expect(sha256(got)).toBe(sha256(SMALL));
    served();
  });

  it('downloads an empty object as empty (its 416 is the SDK\'s to read)', async () => {
    expect((await withWire(on, () => toFile(s3, { bucket: BUCKET, key: 'empty.bin' }))).length).toBe(0);
    expect(chain.proxy.data('sdk').length).toBe(1);
  });

  it('uploads a file of at most 1 MiB in one PutObject', async () => {
    const data = pattern(MiB, on ? 21 : 22);
    const path = join(dir, `put-${on}.bin`);
    writeFileSync(path, data);
    const res = await withWire(on, () => uploadFile(s3, path, data.length, { bucket: BUCKET, key: `put-${on}.bin`, metadata: { origin: 'wire-test' }, contentType: 'application/x-test', tagging: 'team=data&note=a%20b', storageClass: 'STANDARD_IA' }));
    expect(res).toMatchObject({ size: data.length, parts: 1 });
    served();
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `put-${on}.bin` }));
    expect({ type: head.ContentType, meta: head.Metadata, etag: head.ETag, cls: head.StorageClass }).toEqual({ type: 'application/x-test', meta: { origin: 'wire-test' }, etag: res.etag, cls: 'STANDARD_IA' });
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: `put-${on}.bin` }));
    expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'data' }, { Key: 'note', Value: 'a b' }]);
    expect(sha256(await sdkBytes(`put-${on}.bin`))).toBe(sha256(data));
  });

  it.each([
    ['a stream smaller than one part (one PutObject)', 70_001, 1],
    ['a multipart stream (UploadPart)', 11 * MiB + 3, 3],
  ])('uploads %s', async (_what, bytes, parts) => {
    const data = pattern(bytes, on ? 31 : 32);
    const key = `stream-${on}-${bytes}.bin`;
    const chunks = Array.from({ length: Math.ceil(bytes / 65536) }, (_v, i) => data.subarray(i * 65536, (i + 1) * 65536));
    const res = await withWire(on, () => uploadStream(s3, Readable.from(chunks), { bucket: BUCKET, key }, { streamPartSize: () => 5 * MiB }));
    expect(res).toMatchObject({ size: bytes, parts });
    served();
    expect(sha256(await sdkBytes(key))).toBe(sha256(data));
  });
});

describe('errors read as the SDK reports them', () => {
  const both = async (fn: () => Promise<unknown>) => ({ wire: await withWire(true, () => failure(fn())), sdk: await withWire(false, () => failure(fn())) });

  it.each([
    ['to a file', toFile],
    ['to a stream', toStream],
  ] as const)('a missing key (%s): NoSuchKey, 404, after one wire attempt', async (_what, how) => {
    const { wire, sdk } = await both(() => how(s3, { bucket: BUCKET, key: 'missing.bin' }));
    expect(wire).toEqual(sdk);
    expect(wire).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(chain.proxy.data('wire').length).toBe(1);
  });

  it.each([
    ['a download', (c: S3Client) => toFile(c, { bucket: BUCKET, key: 'small.bin' })],
    ['an upload', (c: S3Client) => uploadStream(c, Readable.from([SMALL]), { bucket: BUCKET, key: 'denied.bin' })],
  ])('a wrong secret key on %s: SignatureDoesNotMatch, 403', async (_what, transfer) => {
    const wrong = chain.client({ accessKeyId: 'testing', secretAccessKey: 'not-the-secret' });
    const { wire, sdk } = await both(() => transfer(wrong));
    expect(wire).toEqual(sdk);
    expect(wire).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('credentials that cannot be had: the provider\'s own error, as the SDK reports it', async () => {
    const none = chain.client(() => Promise.reject(Object.assign(new Error('no credentials in this test'), { name: 'CredentialsProviderError' })));
    for (const transfer of [() => toFile(none, { bucket: BUCKET, key: 'small.bin' }), () => uploadStream(none, Readable.from([SMALL]), { bucket: BUCKET, key: 'nocreds.bin' })]) {
      const { wire, sdk } = await both(transfer);
      expect(wire).toEqual(sdk);
      expect(wire).toMatchObject({ name: 'CredentialsProviderError', message: 'no credentials in this test' });
    }
    expect(chain.proxy.seen).toEqual([]);
  });

  it('the signing date carries the clock offset the SDK learnt from a skew error, as its own requests do', async () => {
    const skewed = chain.client();
    // What the SDK sets after a RequestTimeTooSkewed answer: server time minus local time.
    skewed.config.systemClockOffset = 7 * 60_000;
    const asDate = (amz: string) => Date.parse(amz.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const before = Date.now();
    expect(sha256(await toFile(skewed, { bucket: BUCKET, key: 'small.bin' }))).toBe(sha256(SMALL));
    const [get] = chain.proxy.data('wire');
    expect(chain.proxy.data('sdk')).toEqual([]);
    const offset = asDate(get?.amzDate ?? '') - before;
    expect(offset).toBeGreaterThan(7 * 60_000 - 2_000);
    expect(offset).toBeLessThan(7 * 60_000 + 5_000);
  });

  it('a conditional put on a key that exists (If-None-Match: *): PreconditionFailed, 412', async () => {
    const put = () => uploadStream(s3, Readable.from([SMALL]), { bucket: BUCKET, key: 'small.bin', conditions: { IfNoneMatch: '*' } });
    const { wire, sdk } = await both(put);
    expect(wire).toEqual(sdk);
    expect(wire).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('an If-Match that no longer holds: PreconditionFailed, 412', async () => {
    const take = (): void => undefined;
    const { wire, sdk } = await both(() => getRangeInto(s3, { Bucket: BUCKET, Key: 'small.bin', Range: 'bytes=0-9', IfMatch: '"0123456789abcdef0123456789abcdef"' }, take));
    expect(wire).toEqual(sdk);
    expect(wire).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('an overwrite between ranges fails the pinned ranges with PreconditionFailed, never splices', async () => {
    const overwriteAfterFirst = (key: string): Sink => {
      let first = true;
      return {
        ordered: true,
        write: async () => {
          if (!first) return;
          first = false;
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: pattern(BIG.length, 99) }));
        },
      };
    };
    const run = async (key: string) => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: BIG }));
      return failure(downloadInto(s3, { bucket: BUCKET, key }, overwriteAfterFirst(key), OPTS));
    };
    const wire = await withWire(true, () => run('overwritten-wire.bin'));
    const sdk = await withWire(false, () => run('overwritten-sdk.bin'));
    expect(wire).toEqual(sdk);
    expect(wire).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('`blob get` of a missing key: the same exit code and message with and without the wire', async () => {
    ensureBlobBuilt();
    const cwd = mkdtempSync(join(dir, 'cli-'));
    const get = (wire: boolean) => blob(['get', `s3://${BUCKET}/no/such.key`, 'out.bin'], { env: { ...cliEnv(chain.proxy.endpoint), BLOB_WIRE: wire ? undefined : 'off' }, cwd });
    const viaWire = await get(true);
    expect(chain.proxy.data('wire').length).toBe(1); // the CLI did try the wire first
    const viaSdk = await get(false);
    expect(viaWire.code).not.toBe(0);
    expect({ code: viaWire.code, stderr: viaWire.stderr }).toEqual({ code: viaSdk.code, stderr: viaSdk.stderr });
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);
});

describe('kept-alive connections', () => {
  const five = async (client: S3Client): Promise<void> => {
    for (let i = 0; i < 5; i++) expect(sha256(await toFile(client, { bucket: BUCKET, key: 'small.bin' }))).toBe(sha256(SMALL));
  };

  it('sequential GETs reuse one socket', async () => {
    const before = chain.proxy.connections;
    await five(chain.client());
    const wire = chain.proxy.data('wire');
    expect(wire.length).toBe(5);
    expect(new Set(wire.map((s) => s.connection)).size).toBe(1);
    expect(chain.proxy.connections - before).toBe(1);
    expect(chain.proxy.data('sdk')).toEqual([]);
  });

  it('a PUT on a kept-alive socket the server closed meanwhile is repeated, the object exact', async () => {
    chain.proxy.dropReused = true;
    const client = chain.client();
    for (const [i, data] of [pattern(50_000, 61), pattern(70_000, 62)].entries()) {
      await uploadStream(client, Readable.from([data]), { bucket: BUCKET, key: `reput-${i}.bin` });
      expect(sha256(await sdkBytes(`reput-${i}.bin`))).toBe(sha256(data));
    }
    // Node's http client does not resend on a reused socket (GETs do, wire-socket.ts): the SDK repeats the PUT.
    expect(chain.proxy.data('wire').map((s) => [s.url, !!s.dropped])).toEqual([[`/${BUCKET}/reput-0.bin`, false], [`/${BUCKET}/reput-1.bin`, true]]);
    expect(chain.proxy.data('sdk').filter((s) => s.method === 'PUT').length).toBe(1);
  });

  it('a server that closes each connection after its response: every GET still on the wire', async () => {
    chain.proxy.closeAfterResponse = true;
    const before = chain.proxy.connections;
    await five(chain.client());
    expect(chain.proxy.data('wire').length).toBeGreaterThanOrEqual(5);
    expect(chain.proxy.connections - before).toBe(chain.proxy.data('wire').length);
    expect(chain.proxy.data('sdk')).toEqual([]);
  });

  it('a kept-alive socket the server closed meanwhile: the GET is sent once more on a fresh socket, not via the SDK', async () => {
    chain.proxy.dropReused = true;
    await five(chain.client());
    const wire = chain.proxy.data('wire');
    expect(wire.filter((s) => s.dropped).length).toBe(4); // requests 2..5 each met a closed socket first
    expect(wire.filter((s) => !s.dropped).length).toBe(5);
    expect(chain.proxy.data('sdk')).toEqual([]);
  });
});

describe('a client with its own middleware', () => {
  it('gets no wire: every request goes through its middleware', async () => {
    const custom = chain.client();
    const commands: string[] = [];
    custom.middlewareStack.add((next, context) => (args) => (commands.push(context.commandName ?? ''), next(args)), { step: 'initialize', name: 'recordCommands' });
    expect(wireFor(custom)).toBeUndefined();
    expect(sha256(await toFile(custom, { bucket: BUCKET, key: 'big.bin' }))).toBe(sha256(BIG));
    await uploadStream(custom, Readable.from([SMALL]), { bucket: BUCKET, key: 'custom.bin' });
    expect(chain.proxy.data('wire')).toEqual([]);
    expect(commands.filter((c) => c === 'GetObjectCommand').length).toBe(6);
    expect(commands).toContain('PutObjectCommand');
  });

  it('middleware added after the client already used the wire is not skipped', async () => {
    const client = chain.client();
    expect(sha256(await toFile(client, { bucket: BUCKET, key: 'small.bin' }))).toBe(sha256(SMALL));
    expect(chain.proxy.data('wire').length).toBe(1);
    const commands: string[] = [];
    client.middlewareStack.add((next, context) => (args) => (commands.push(context.commandName ?? ''), next(args)), { step: 'initialize', name: 'recordLater' });
    expect(sha256(await toFile(client, { bucket: BUCKET, key: 'small.bin' }))).toBe(sha256(SMALL));
    expect(commands).toEqual(['GetObjectCommand']);
  });
});

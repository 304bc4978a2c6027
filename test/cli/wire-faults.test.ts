import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { downloadInto, downloadTo, downloadToPath, type Sink } from '../../cli/blob/transfer/download';
import { MiB } from '../../cli/blob/transfer/part-plan';
import { uploadFile, uploadStream } from '../../cli/blob/transfer/upload';
import { type Chain, type Fault, pattern, sha256, startSeededChain } from './wire-proxy';

/**
 * What the lean data path (cli/blob/transfer/wire*.ts) does when the network or server misbehaves:
 * every kind of answer it does not handle itself makes the SDK repeat that one request, and the
 * bytes come out exact; an abort or a local write failure is reported as itself, never retried.
 */
const BUCKET = 'wire-faults';
const BIG = pattern(3 * MiB + 5, 41); // four 1 MiB ranges, the last one short
const SMALL = pattern(200 * 1024 + 1, 42);
const OPTS = { chunkSize: MiB, concurrency: 2 };
let chain: Chain;
let s3: S3Client;
let dir: string;

beforeAll(async () => {
  ({ chain, s3, dir } = await startSeededChain(BUCKET, [
    ['big.bin', BIG],
    ['small.bin', SMALL],
  ]));
}, 60_000);

afterAll(async () => {
  await chain?.stop();
});

beforeEach(() => chain.proxy.reset());

async function toFile(client: S3Client, key: string, signal?: AbortSignal): Promise<Buffer> {
  const path = join(mkdtempSync(join(dir, 'get-')), 'out.bin');
  await downloadToPath(client, { bucket: BUCKET, key }, path, { ...OPTS, ...(signal ? { signal } : {}) });
  return readFileSync(path);
}

async function toStream(client: S3Client, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (c: Buffer, _e, cb) => void (chunks.push(Buffer.from(c)), cb()) });
  await downloadTo(client, { bucket: BUCKET, key }, out, OPTS);
  return Buffer.concat(chunks);
}

async function sdkBytes(key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

const GET_FAULTS: Fault[] = ['slowdown', 'internal', 'chunked', 'unframed', 'cut-half', 'cut-head', 'garbage-status', 'not-http', 'header-no-colon'];

describe.each(GET_FAULTS)('a wire GET answered with %s is repeated by the SDK', (fault) => {
  const repeatedOnce = (wireGets: number): void => {
    const faulted = chain.proxy.data('wire').filter((s) => s.fault === fault);
    expect(faulted.length).toBe(1);
    // Exactly the faulted request went again through the SDK; every other range stayed on the wire.
    expect(chain.proxy.data('sdk').length).toBe(1);
    expect(chain.proxy.data('wire').length).toBe(wireGets);
  };

  it('a one-range object into a file', async () => {
    chain.proxy.fault(fault);
    expect(sha256(await toFile(s3, 'small.bin'))).toBe(sha256(SMALL));
    repeatedOnce(1);
  });

  it.each([
    ['the size probe (first range)', 1],
    ['a later, ETag-pinned range', 3],
  ])('%s of a 4-range object into a file', async (_which, nth) => {
    chain.proxy.fault(fault, nth);
    expect(sha256(await toFile(s3, 'big.bin'))).toBe(sha256(BIG));
    repeatedOnce(4);
  });

  it('a later range of a 4-range object into a stream', async () => {
    chain.proxy.fault(fault, 2);
    expect(sha256(await toStream(s3, 'big.bin'))).toBe(sha256(BIG));
    repeatedOnce(4);
  });
});

// A PUT's answer has no body, so cutting after its head is no fault; hanging up before it is.
/** A byte range into a stream: the one GET that goes over Node's http client (`getObject`), its body streamed in order. */
async function rangeToStream(key: string, range: { start: number; end: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (c: Buffer, _e, cb) => void (chunks.push(Buffer.from(c)), cb()) });
  await downloadTo(s3, { bucket: BUCKET, key, range }, out, OPTS);
  return Buffer.concat(chunks);
}

describe('a byte range into a stream (getObject over Node\'s http client)', () => {
  const range = { start: 1000, end: 2 * MiB + 999 };
  const expected = BIG.subarray(range.start, range.end + 1);

  it.each(['slowdown', 'internal', 'hang-up', 'garbage-status', 'not-http', 'header-no-colon'] as const)('%s before the body: repeated by the SDK', async (fault) => {
    chain.proxy.fault(fault);
    expect(sha256(await rangeToStream('big.bin', range))).toBe(sha256(expected));
    expect(chain.proxy.data('sdk').length).toBe(1);
  });

  it.each(['chunked', 'unframed'] as const)('a %s body: read by Node\'s parser, no SDK request', async (fault) => {
    chain.proxy.fault(fault);
    expect(sha256(await rangeToStream('big.bin', range))).toBe(sha256(expected));
    expect(chain.proxy.data('sdk')).toEqual([]);
  });

  it('a cut after bytes were streamed out fails the read (as the SDK\'s own stream would), never yields short bytes', async () => {
    chain.proxy.fault('cut-half');
    await expect(rangeToStream('big.bin', range)).rejects.toThrow();
    expect(chain.proxy.data('sdk')).toEqual([]);
  });
});

const PUT_FAULTS: Fault[] = ['slowdown', 'internal', 'hang-up', 'garbage-status', 'not-http', 'header-no-colon'];

describe.each(PUT_FAULTS)('a wire PUT answered with %s is repeated by the SDK', (fault) => {
  it('PutObject of a file', async () => {
    const data = pattern(300_000, 51);
    const path = join(dir, `put-${fault}.bin`);
    writeFileSync(path, data);
    chain.proxy.fault(fault);
    await uploadFile(s3, path, data.length, { bucket: BUCKET, key: `put-${fault}.bin` });
    expect(chain.proxy.data('wire').map((s) => s.fault)).toEqual([fault]);
    expect(chain.proxy.data('sdk').length).toBe(1);
    expect(sha256(await sdkBytes(`put-${fault}.bin`))).toBe(sha256(data));
  });

  it('UploadPart of a stream', async () => {
    const data = pattern(10 * MiB + 9, 52);
    chain.proxy.fault(fault, 2);
    const res = await uploadStream(s3, Readable.from([data.subarray(0, 6 * MiB), data.subarray(6 * MiB)]), { bucket: BUCKET, key: `part-${fault}.bin` }, { streamPartSize: () => 5 * MiB, concurrency: 1 });
    expect(res.parts).toBe(3);
    expect(chain.proxy.data('wire').length).toBe(3);
    expect(chain.proxy.data('sdk').filter((s) => s.method === 'PUT').length).toBe(1);
    expect(sha256(await sdkBytes(`part-${fault}.bin`))).toBe(sha256(data));
  });
});

describe('an abort is reported as the abort, never repeated through the SDK', () => {
  it.each([
    ['before the response head', 'stall-head', 1],
    ['in the middle of the first range\'s body', 'stall-body', 1],
    ['in the middle of a later range\'s body', 'stall-body', 3],
  ] as const)('a download aborted %s leaves no file behind', async (_when, fault, nth) => {
    const client = chain.client();
    const out = mkdtempSync(join(dir, 'abort-'));
    const controller = new AbortController();
    chain.proxy.fault(fault, nth);
    void chain.proxy.stalled().then(() => controller.abort());
    const err = await downloadToPath(client, { bucket: BUCKET, key: 'big.bin' }, join(out, 'out.bin'), { ...OPTS, signal: controller.signal }).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('AbortError');
    expect(chain.proxy.data('sdk')).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
  });

  it('an upload aborted while its PutObject waits for an answer', async () => {
    const controller = new AbortController();
    chain.proxy.fault('stall-head');
    void chain.proxy.stalled().then(() => controller.abort());
    const err = await uploadStream(chain.client(), Readable.from([SMALL]), { bucket: BUCKET, key: 'aborted.bin' }, { signal: controller.signal }).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('AbortError');
    expect(chain.proxy.data('sdk')).toEqual([]);
  });
});

describe('the later ranges start once the first answer\'s head is in, not after its body', () => {
  const until = async (done: () => boolean): Promise<void> => {
    for (const deadline = Date.now() + 10_000; !done(); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > deadline) throw new Error(`gave up waiting: ${chain.proxy.data('wire').length} wire requests seen`);
    }
  };

  it.each([
    // A file takes ranges at their offsets: all three later ranges arrive while the first stalls.
    ['a file', 4],
    // A stream holds ranges until it can write them in order: with the first range holding one of
    // the two read-ahead buffers (concurrency 2), one more range is fetched, and no other.
    ['a stream', 2],
  ] as const)('into %s: %d requests while the first range\'s body is stalled, then the abort ends them all', async (into, requests) => {
    const client = chain.client();
    const controller = new AbortController();
    chain.proxy.fault('stall-body', 1);
    const stalled = chain.proxy.stalled();
    const out = mkdtempSync(join(dir, 'early-'));
    const opts = { ...OPTS, signal: controller.signal };
    const sink = new Writable({ write: (_c: Buffer, _e, cb) => cb() });
    const download = (into === 'a file' ? downloadToPath(client, { bucket: BUCKET, key: 'big.bin' }, join(out, 'out.bin'), opts) : downloadTo(client, { bucket: BUCKET, key: 'big.bin' }, sink, opts)).then(
      () => undefined,
      (e: Error) => e,
    );
    await stalled;
    await until(() => chain.proxy.data('wire').length >= requests);
    await new Promise((r) => setTimeout(r, 300)); // time for any request beyond the bound to show
    expect(chain.proxy.data('wire').length).toBe(requests);
    controller.abort();
    expect((await download)?.name).toBe('AbortError');
    expect(chain.proxy.data('sdk')).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('a local write failure during a wire GET', () => {
  it.each([
    ['the only range', 'small.bin'],
    ['ranges of a larger object', 'big.bin'],
  ])('surfaces the write error for %s, with no SDK request', async (_what, key) => {
    const diskFull = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    let calls = 0;
    const sink: Sink = {
      ordered: false,
      write: () => Promise.reject(diskFull),
      writeSync: () => {
        calls++;
        throw diskFull;
      },
    };
    await expect(downloadInto(s3, { bucket: BUCKET, key }, sink, OPTS)).rejects.toBe(diskFull);
    expect(calls).toBe(1);
    expect(chain.proxy.data('sdk')).toEqual([]);
  });

  it('the connection is not reused half-read: the next download is exact', async () => {
    const failing: Sink = { ordered: false, write: () => Promise.resolve(), writeSync: () => { throw new Error('EIO'); } };
    await expect(downloadInto(s3, { bucket: BUCKET, key: 'small.bin' }, failing, OPTS)).rejects.toThrow('EIO');
    expect(sha256(await toFile(s3, 'small.bin'))).toBe(sha256(SMALL));
    expect(chain.proxy.data('sdk')).toEqual([]);
  });
});

describe('keys and header values that need care', () => {
  it.each([
    ['spaces and unicode', 'dir with spaces/ünïcödé – file.bin'],
    ['reserved characters', "a+b=c&d;e,f:g@h$i!j'k(l)m*n~o.bin"],
    ['percent signs and an encoded slash', 'x%2Fy/100%/%41.bin'],
    ['a leading slash and double slashes', '/lead//double///triple.bin'],
  ])('a key with %s: up and down on the wire, signatures verified by the gateway', async (_what, key) => {
    const data = pattern(4096 + key.length, key.length);
    await uploadStream(s3, Readable.from([data]), { bucket: BUCKET, key });
    expect(sha256(await toFile(s3, key))).toBe(sha256(data));
    expect(chain.proxy.data('sdk')).toEqual([]);
    expect(chain.proxy.data('wire').map((s) => s.method)).toEqual(['PUT', 'GET']);
    expect(sha256(await sdkBytes(key))).toBe(sha256(data));
  });

  it.each([
    ['a line break', 'two\nlines'],
    ['a carriage return', 'a\rb'],
    ['a non-Latin-1 character', 'snow ☃'],
    ['Latin-1 letters', 'ünïcödé'],
    ['surrounding spaces', '  padded  '],
  ])('a metadata value with %s: the same outcome as without the wire', async (_what, value) => {
    const outcome = async (on: boolean) => {
      const before = process.env.BLOB_WIRE;
      if (on) delete process.env.BLOB_WIRE;
      else process.env.BLOB_WIRE = 'off';
      const key = `meta-${on}-${sha256(Buffer.from(value)).slice(0, 8)}.bin`;
      try {
        await uploadStream(s3, Readable.from([SMALL]), { bucket: BUCKET, key, metadata: { note: value } });
        const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        return { stored: head.Metadata, sha: sha256(await sdkBytes(key)) };
      } catch (err) {
        return { error: (err as Error).name, message: (err as Error).message.replace(/"[^"]*"/g, '"…"') };
      } finally {
        if (before === undefined) delete process.env.BLOB_WIRE;
        else process.env.BLOB_WIRE = before;
      }
    };
    expect(await outcome(true)).toEqual(await outcome(false));
  });
});

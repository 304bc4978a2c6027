import { GetObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { downloadTo } from '../../cli/blob/transfer/download';
import { MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MiB, partSizeForLength, streamCapacity, streamPartSize } from '../../cli/blob/transfer/part-plan';
import { uploadFile, uploadStream } from '../../cli/blob/transfer/upload';
import { MotoServer, startMoto } from '../support/moto';
import { createVersionedBucket, s3For } from './blob-harness';

/**
 * The transfer core behind `blob put -` / `blob get`: part sizing reaches 5 TiB within 10,000
 * parts, and streams stay within their memory budget (measured on the wire: bytes of UploadPart
 * requests in flight), spooling to disk once parts outgrow it.
 */
describe('part plan', () => {
  it('a stream of unknown size fits S3\'s 5 TiB limit in 10,000 parts, with no part over 5 GiB', () => {
    expect(streamCapacity(MAX_PARTS)).toBeGreaterThanOrEqual(MAX_OBJECT_SIZE);
    expect(streamPartSize(MAX_PARTS)).toBeLessThanOrEqual(MAX_PART_SIZE);
    expect(streamPartSize(1)).toBe(8 * MiB);
    expect(streamPartSize(1000)).toBe(8 * MiB);
    expect(streamPartSize(1001)).toBe(16 * MiB);
    // 2 GB stays on 8 MiB parts, so its buffers are small.
    expect(streamCapacity(256)).toBeGreaterThanOrEqual(2 * 1024 * MiB);
  });

  it('a known size uses the smallest MiB-aligned part ≥ 8 MiB that fits 10,000 parts', () => {
    expect(partSizeForLength(1024 * MiB)).toBe(8 * MiB);
    expect(partSizeForLength(MAX_OBJECT_SIZE)).toBe(525 * MiB);
    expect(Math.ceil(MAX_OBJECT_SIZE / partSizeForLength(MAX_OBJECT_SIZE))).toBeLessThanOrEqual(MAX_PARTS);
  });
});

describe('streaming upload and download against moto', () => {
  const BUCKET = 'blob-transfer';
  let moto: MotoServer;
  let s3: S3Client;
  let inFlight = 0;
  let peak = 0;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = s3For(moto.endpoint);
    await createVersionedBucket(s3, BUCKET);
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== UploadPartCommand.name) return next(args);
        const n = Number((args.input as { ContentLength?: number }).ContentLength ?? 0);
        inFlight += n;
        peak = Math.max(peak, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= n;
        }
      },
      { step: 'initialize', name: 'measureInFlightParts' },
    );
  }, 60_000);

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  const source = (bytes: number, chunk = 256 * 1024): { stream: Readable; sha: string } => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    for (let off = 0; off < bytes; off += chunk) {
      const c = Buffer.alloc(Math.min(chunk, bytes - off), (off / chunk) % 251);
      hash.update(c);
      chunks.push(c);
    }
    return { stream: Readable.from(chunks), sha: hash.digest('hex') };
  };

  const downloadSha = async (key: string): Promise<string> => {
    const hash = createHash('sha256');
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        cb();
      },
    });
    await downloadTo(s3, { bucket: BUCKET, key }, sink, { chunkSize: 5 * MiB, concurrency: 3 });
    return hash.digest('hex');
  };

  it('keeps in-memory parts within the budget', async () => {
    peak = 0;
    const { stream, sha } = source(26 * MiB);
    const res = await uploadStream(s3, stream, { bucket: BUCKET, key: 'mem.bin' }, { memoryBudget: 16 * MiB, streamPartSize: () => 5 * MiB });
    expect(res).toMatchObject({ size: 26 * MiB, parts: 6 });
    expect(peak).toBeGreaterThan(5 * MiB);
    expect(peak).toBeLessThanOrEqual(16 * MiB);
    expect(await downloadSha('mem.bin')).toBe(sha);
  });

  it('spools parts larger than half the budget to disk, two at a time', async () => {
    peak = 0;
    const { stream, sha } = source(16 * MiB + 7);
    const res = await uploadStream(s3, stream, { bucket: BUCKET, key: 'spool.bin' }, { memoryBudget: 8 * MiB, streamPartSize: () => 5 * MiB });
    expect(res).toMatchObject({ size: 16 * MiB + 7, parts: 4 });
    // The first part (in memory) plus at most two spooled parts are ever in flight.
    expect(peak).toBeLessThanOrEqual(15 * MiB);
    expect(await downloadSha('spool.bin')).toBe(sha);
  });

  it.each([
    ['recycled part buffers within the budget', 16 * MiB],
    ['file-range streams when parts outgrow the budget', 8 * MiB],
  ])('uploads a multipart file through %s', async (_how, memoryBudget) => {
    peak = 0;
    const bytes = 17 * MiB + 3;
    const data = Buffer.alloc(bytes);
    for (let i = 0; i + 4 <= bytes; i += 4096) data.writeUInt32LE(i, i);
    const path = join(mkdtempSync(join(tmpdir(), 'blob-transfer-')), 'f.bin');
    writeFileSync(path, data);
    const key = `file-${memoryBudget}.bin`;
    const res = await uploadFile(s3, path, bytes, { bucket: BUCKET, key }, { memoryBudget });
    expect(res).toMatchObject({ size: bytes, parts: 3 });
    expect(peak).toBeLessThanOrEqual(16 * MiB);
    expect(await downloadSha(key)).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('an input smaller than one part is a single PutObject', async () => {
    const { stream, sha } = source(1000);
    const res = await uploadStream(s3, stream, { bucket: BUCKET, key: 'small.bin' });
    expect(res).toMatchObject({ size: 1000, parts: 1 });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'small.bin' }));
    expect(createHash('sha256').update(await got.Body!.transformToByteArray()).digest('hex')).toBe(sha);
  });

  it('an empty stdin stores an empty object, and it downloads as empty', async () => {
    const res = await uploadStream(s3, Readable.from([]), { bucket: BUCKET, key: 'empty.bin' });
    expect(res).toMatchObject({ size: 0, parts: 1 });
    expect(await downloadSha('empty.bin')).toBe(createHash('sha256').digest('hex'));
  });
});

import { GetObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { MiB } from './part-plan';
import { writeChunk } from '../../shared/write';

/**
 * Streams an object to a writable in order. Large whole-object reads fetch 8 MiB ranges in
 * parallel (pinned to the first response's ETag so a concurrent overwrite cannot splice two
 * versions) and write them in order; memory is bounded by concurrency × chunk size.
 */
export interface DownloadSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Inclusive byte range. */
  readonly range?: { start: number; end?: number };
}

export interface DownloadOptions {
  readonly concurrency?: number;
  readonly chunkSize?: number;
  readonly onStart?: (head: { size: number; etag?: string }) => void;
  readonly onProgress?: (bytes: number) => void;
  readonly signal?: AbortSignal;
}

export async function headObject(s3: S3Client, src: DownloadSource): Promise<HeadObjectCommandOutput> {
  return s3.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) }));
}

export async function downloadTo(s3: S3Client, src: DownloadSource, out: NodeJS.WritableStream, opts: DownloadOptions = {}): Promise<{ bytes: number }> {
  const chunkSize = opts.chunkSize ?? 8 * MiB;
  // Memory for a whole-object read is about concurrency × chunkSize (32 MiB by default).
  const concurrency = opts.concurrency ?? 4;
  const base = { Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) };
  if (src.range) {
    const range = `bytes=${src.range.start}-${src.range.end ?? ''}`;
    const res = await s3.send(new GetObjectCommand({ ...base, Range: range }), { abortSignal: opts.signal });
    opts.onStart?.({ size: res.ContentLength ?? 0, etag: res.ETag });
    return { bytes: await pipeBody(res.Body as Readable, out, opts.onProgress) };
  }
  // The first request doubles as the size probe: small objects arrive whole in it.
  const first = await s3.send(new GetObjectCommand({ ...base, Range: `bytes=0-${chunkSize - 1}` }), { abortSignal: opts.signal }).catch((err: unknown) => {
    // An empty object has no byte 0, so a ranged GET on it fails with 416.
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return undefined;
    throw err;
  });
  if (!first) {
    opts.onStart?.({ size: 0 });
    return { bytes: 0 };
  }
  const total = totalFromContentRange(first.ContentRange) ?? first.ContentLength ?? 0;
  opts.onStart?.({ size: total, etag: first.ETag });
  let bytes = await pipeBody(first.Body as Readable, out, opts.onProgress);
  if (bytes >= total) return { bytes };

  const pin = src.versionId ? {} : first.ETag ? { IfMatch: first.ETag } : {};
  const starts: number[] = [];
  for (let s = chunkSize; s < total; s += chunkSize) starts.push(s);
  const fetchChunk = async (start: number): Promise<Buffer> => {
    const end = Math.min(total, start + chunkSize) - 1;
    const res = await s3.send(new GetObjectCommand({ ...base, ...pin, Range: `bytes=${start}-${end}` }), { abortSignal: opts.signal });
    return readExactly(res.Body as Readable, end - start + 1, free.pop());
  };
  // Chunk buffers are recycled once written out (see BufferPool in upload.ts for why).
  const free: Buffer[] = [];
  const window: Array<Promise<Buffer>> = [];
  let next = 0;
  const launch = (): void => {
    const p = fetchChunk(starts[next++] as number);
    p.catch(() => undefined); // observed when awaited in order; avoid an unhandled rejection meanwhile
    window.push(p);
  };
  while (next < starts.length && window.length < concurrency) launch();
  while (window.length) {
    const chunk = await window.shift()!;
    if (next < starts.length) launch();
    await writeFlushed(out, chunk);
    bytes += chunk.length;
    opts.onProgress?.(chunk.length);
    if (chunk.buffer.byteLength === chunkSize) free.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunkSize));
  }
  return { bytes };
}

/** Resolves once the stream has handed the chunk on, so its buffer may be reused. */
function writeFlushed(out: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** Reads a body into one buffer of the expected size (no chunk list plus concatenated copy). */
async function readExactly(body: Readable, size: number, reuse?: Buffer): Promise<Buffer> {
  const buf = reuse ? reuse.subarray(0, size) : Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const chunk of body) {
    const c = chunk as Uint8Array;
    if (filled + c.length > size) throw new Error(`range response longer than the ${size} bytes requested`);
    buf.set(c, filled);
    filled += c.length;
  }
  if (filled !== size) throw new Error(`range response ended after ${filled} of ${size} bytes`);
  return buf;
}

function totalFromContentRange(cr: string | undefined): number | undefined {
  const m = cr ? /\/(\d+)$/.exec(cr) : null;
  return m ? Number(m[1]) : undefined;
}

async function pipeBody(body: Readable, out: NodeJS.WritableStream, onProgress?: (n: number) => void): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) {
    await writeChunk(out, chunk as Uint8Array);
    bytes += (chunk as Uint8Array).length;
    onProgress?.((chunk as Uint8Array).length);
  }
  return bytes;
}

/**
 * Downloads into a sibling temporary file and renames it into place, so a failed or interrupted
 * transfer never leaves a truncated file under the destination name (nor clobbers an old one).
 */
export async function downloadToFile(s3: S3Client, src: DownloadSource, path: string, opts: DownloadOptions = {}): Promise<{ bytes: number }> {
  const { createWriteStream } = await import('node:fs');
  const { mkdir, rename, rm } = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.blob-partial-${process.pid}`);
  const out = createWriteStream(tmp);
  try {
    const result = await downloadTo(s3, src, out, opts);
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
    await rename(tmp, path);
    return result;
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

import { GetObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { MiB } from './part-plan';
import { mapPool } from './pool';
import { Destination, openDestination, resolveTarget } from './destination';
import type { Interruptible } from '../../shared/interrupt';
import type { ByteRange, SuffixRange } from '../args';

/**
 * Downloads an object into a sink. Large whole-object reads fetch 8 MiB ranges, `concurrency` at a
 * time, pinned to the first response's ETag so a concurrent overwrite cannot splice two versions.
 * A regular file takes each range at its own offset as it arrives (positional writes, no
 * reassembly); a stream (stdout, FIFO, device) takes them in order through a bounded read-ahead.
 * Either way memory is bounded by concurrency × chunk size.
 */
export interface DownloadSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Inclusive byte range, or the last `suffix` bytes. */
  readonly range?: ByteRange | SuffixRange;
}

/** Where downloaded bytes go: at their offset (a file) or strictly in order (a stream). */
export interface Sink {
  readonly ordered: boolean;
  write(chunk: Uint8Array, position: number): Promise<void>;
}

export function rangeHeader(r: ByteRange | SuffixRange): string {
  return 'suffix' in r ? `bytes=-${r.suffix}` : `bytes=${r.start}-${r.end ?? ''}`;
}

export interface DownloadOptions {
  readonly concurrency?: number;
  readonly chunkSize?: number;
  /** `versionId`: the version S3 actually served (absent for unversioned buckets and empty objects). */
  readonly onStart?: (head: { size: number; etag?: string; versionId?: string }) => void;
  readonly onProgress?: (bytes: number) => void;
  readonly signal?: AbortSignal;
}

export async function headObject(s3: S3Client, src: DownloadSource): Promise<HeadObjectCommandOutput> {
  return s3.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) }));
}

export async function downloadInto(s3: S3Client, src: DownloadSource, sink: Sink, opts: DownloadOptions = {}): Promise<{ bytes: number }> {
  const chunkSize = opts.chunkSize ?? 8 * MiB;
  // Memory for a whole-object read is about concurrency × chunkSize (32 MiB by default).
  const concurrency = opts.concurrency ?? 4;
  const base = { Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) };
  if (src.range) {
    const res = await s3.send(new GetObjectCommand({ ...base, Range: rangeHeader(src.range) }), { abortSignal: opts.signal });
    opts.onStart?.({ size: res.ContentLength ?? 0, etag: res.ETag, versionId: res.VersionId });
    return { bytes: await pipeBody(res.Body as Readable, sink, 0, opts.onProgress) };
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
  opts.onStart?.({ size: total, etag: first.ETag, versionId: first.VersionId });
  let bytes = await pipeBody(first.Body as Readable, sink, 0, opts.onProgress);
  if (bytes >= total) return { bytes };

  const pin = src.versionId ? {} : first.ETag ? { IfMatch: first.ETag } : {};
  const starts: number[] = [];
  for (let s = chunkSize; s < total; s += chunkSize) starts.push(s);
  const request = async (start: number): Promise<{ body: Readable; size: number }> => {
    const end = Math.min(total, start + chunkSize) - 1;
    const res = await s3.send(new GetObjectCommand({ ...base, ...pin, Range: `bytes=${start}-${end}` }), { abortSignal: opts.signal });
    return { body: res.Body as Readable, size: end - start + 1 };
  };
  if (!sink.ordered) {
    // Each range streams straight to its offset: nothing waits for an earlier range.
    await mapPool(starts, concurrency, async (start) => {
      const { body, size } = await request(start);
      const got = await pipeBody(body, sink, start, opts.onProgress);
      if (got !== size) throw new Error(`range response had ${got} of ${size} bytes`);
      bytes += got;
    });
    return { bytes };
  }
  // Chunk buffers are recycled once written out (see BufferPool in upload.ts for why).
  const free: Buffer[] = [];
  const window: Array<Promise<Buffer>> = [];
  let next = 0;
  const launch = (): void => {
    const start = starts[next++] as number;
    const p = request(start).then(({ body, size }) => readExactly(body, size, free.pop()));
    p.catch(() => undefined); // observed when awaited in order; avoid an unhandled rejection meanwhile
    window.push(p);
  };
  while (next < starts.length && window.length < concurrency) launch();
  while (window.length) {
    const chunk = await window.shift()!;
    if (next < starts.length) launch();
    await sink.write(chunk, bytes);
    bytes += chunk.length;
    opts.onProgress?.(chunk.length);
    if (chunk.buffer.byteLength === chunkSize) free.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunkSize));
  }
  return { bytes };
}

/** A writable stream as an ordered sink (the write resolves once the stream can take more). */
export function streamSink(out: NodeJS.WritableStream): Sink {
  return { ordered: true, write: (chunk) => writeFlushed(out, chunk) };
}

/** The sink for an opened destination. */
export function destinationSink(dest: Destination): Sink {
  return dest.kind === 'file' ? { ordered: false, write: (chunk, position) => dest.writeAt(chunk, position) } : { ordered: true, write: (chunk) => dest.write(chunk) };
}

export async function downloadTo(s3: S3Client, src: DownloadSource, out: NodeJS.WritableStream, opts: DownloadOptions = {}): Promise<{ bytes: number }> {
  return downloadInto(s3, src, streamSink(out), opts);
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

async function pipeBody(body: Readable, sink: Sink, position: number, onProgress?: (n: number) => void): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) {
    const c = chunk as Uint8Array;
    await sink.write(c, position + bytes);
    bytes += c.length;
    onProgress?.(c.length);
  }
  return bytes;
}

/**
 * Downloads to a local path as destination.ts decides (a regular file atomically, a device or FIFO
 * as a stream); on any failure or interrupt the destination is discarded, never left partial.
 */
export async function downloadToPath(
  s3: S3Client,
  src: DownloadSource,
  path: string,
  opts: DownloadOptions & { readonly interrupt?: Interruptible; readonly onOpen?: (kind: Destination['kind']) => void } = {},
): Promise<{ bytes: number; path: string }> {
  const dest = await openDestination(await resolveTarget(path, src.key), opts.interrupt);
  opts.onOpen?.(dest.kind);
  try {
    const result = await downloadInto(s3, src, destinationSink(dest), { ...opts, signal: opts.signal ?? opts.interrupt?.signal });
    await dest.commit();
    return { ...result, path: dest.path };
  } catch (err) {
    await dest.discard();
    throw err;
  }
}

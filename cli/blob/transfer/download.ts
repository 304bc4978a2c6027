import { HeadObjectCommand, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { MiB } from './part-plan';
import { mapPool } from './pool';
import { getObject, GetHead, getRangeInto } from './wire-ops';
import { Destination, openDestination, resolveTarget, type Target } from './destination';
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

/**
 * Where downloaded bytes go: at their offset (a file) or strictly in order (a stream). A
 * positional sink also takes bytes synchronously (`writeSync`), so a range's bytes go from the
 * socket's read buffer to the file with no intermediate copy (wire-socket.ts).
 */
export interface Sink {
  readonly ordered: boolean;
  write(chunk: Uint8Array, position: number): Promise<void>;
  writeSync?(buf: Uint8Array, start: number, end: number, position: number): void;
}

const POSITIONAL_RANGE = 64 * MiB;

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
  // Memory for a whole-object read into a stream is about concurrency × chunkSize (32 MiB by default).
  const concurrency = opts.concurrency ?? 4;
  const base = { Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) };
  const positional = sink.writeSync?.bind(sink);
  if (src.range) {
    const Range = rangeHeader(src.range);
    if (positional) {
      let bytes = 0;
      const res = await getRangeInto(s3, { ...base, Range }, (buf, s, e, off) => {
        positional(buf, s, e, off);
        bytes = Math.max(bytes, off + e - s);
      }, opts.signal);
      opts.onStart?.({ size: res.ContentLength ?? bytes, etag: res.ETag, versionId: res.VersionId });
      opts.onProgress?.(bytes);
      return { bytes };
    }
    const res = await getObject(s3, { ...base, Range }, opts.signal);
    opts.onStart?.({ size: res.ContentLength ?? 0, etag: res.ETag, versionId: res.VersionId });
    return { bytes: await pipeBody(res.Body, sink, 0, opts.onProgress) };
  }
  // Range buffers of an ordered read are recycled once written out (see BufferPool in stream-parts.ts).
  const free: Buffer[] = [];
  const takeBuffer = (): Buffer => free.pop() ?? Buffer.allocUnsafe(chunkSize);
  /** Fetches one range: into the file at its offset, or into a range buffer (returned) for an ordered sink. */
  const fetchRange = async (start: number, size: number, extra: { IfMatch?: string } = {}): Promise<{ got: number; buffer?: Buffer; head: GetHead }> => {
    const buffer = positional ? undefined : takeBuffer();
    let got = 0;
    const head = await getRangeInto(s3, { ...base, ...extra, Range: `bytes=${start}-${start + size - 1}` }, (buf, s, e, off) => {
      if (off + e - s > size) throw new Error(`range response longer than the ${size} bytes requested`);
      if (positional) positional(buf, s, e, start + off);
      else (buffer as Buffer).set(buf.subarray(s, e), off);
      got = Math.max(got, off + e - s);
    }, opts.signal);
    return { got, head, ...(buffer ? { buffer: buffer.subarray(0, got) } : {}) };
  };
  // The first request doubles as the size probe: small objects arrive whole in it.
  const first = await fetchRange(0, chunkSize).catch((err: unknown) => {
    // An empty object has no byte 0, so a ranged GET on it fails with 416.
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return undefined;
    throw err;
  });
  if (!first) {
    opts.onStart?.({ size: 0 });
    return { bytes: 0 };
  }
  const total = totalFromContentRange(first.head.ContentRange) ?? first.head.ContentLength ?? first.got;
  opts.onStart?.({ size: total, etag: first.head.ETag, versionId: first.head.VersionId });
  const recycle = (b: Buffer): void => void free.push(Buffer.from(b.buffer, b.byteOffset, chunkSize));
  if (first.buffer) {
    await sink.write(first.buffer, 0);
    recycle(first.buffer);
  }
  let bytes = first.got;
  opts.onProgress?.(first.got);
  if (bytes >= total) return { bytes };

  // Later ranges are pinned to the first response's ETag, so an overwrite cannot splice two versions.
  const pin = src.versionId ? {} : first.head.ETag ? { IfMatch: first.head.ETag } : {};
  // A file holds no range in memory, so its ranges can be large (fewer requests, as s5cmd's 50 MiB);
  // a stream's ranges are its read-ahead memory.
  const rangeSize = positional && !opts.chunkSize ? POSITIONAL_RANGE : chunkSize;
  const starts: number[] = [];
  for (let s = chunkSize; s < total; s += rangeSize) starts.push(s);
  const request = async (start: number): Promise<{ got: number; buffer?: Buffer }> => {
    const size = Math.min(total, start + rangeSize) - start;
    const r = await fetchRange(start, size, pin);
    if (r.got !== size) throw new Error(`range response ended after ${r.got} of ${size} bytes`);
    return r;
  };
  if (!sink.ordered) {
    // Each range goes straight to its offset: nothing waits for an earlier range.
    await mapPool(starts, concurrency, async (start) => {
      const { got, buffer } = await request(start);
      if (buffer) await sink.write(buffer, start);
      bytes += got;
      opts.onProgress?.(got);
    });
    return { bytes };
  }
  const window: Array<Promise<{ got: number; buffer?: Buffer }>> = [];
  let next = 0;
  const launch = (): void => {
    const p = request(starts[next++] as number);
    p.catch(() => undefined); // observed when awaited in order; avoid an unhandled rejection meanwhile
    window.push(p);
  };
  while (next < starts.length && window.length < concurrency) launch();
  while (window.length) {
    const { got, buffer } = await window.shift()!;
    if (next < starts.length) launch();
    await sink.write(buffer as Buffer, bytes);
    bytes += got;
    opts.onProgress?.(got);
    recycle(buffer as Buffer);
  }
  return { bytes };
}

/** A writable stream as an ordered sink (the write resolves once the stream can take more). */
export function streamSink(out: NodeJS.WritableStream): Sink {
  return { ordered: true, write: (chunk) => writeFlushed(out, chunk) };
}

/** The sink for an opened destination. */
export function destinationSink(dest: Destination): Sink {
  return dest.kind === 'file'
    ? { ordered: false, write: (chunk, position) => dest.writeAt(chunk, position), writeSync: (buf, start, end, position) => dest.writeAtSync(buf, start, end, position) }
    : { ordered: true, write: (chunk) => dest.write(chunk) };
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

/** A download to a local destination: the interrupt discards it, `onOpen` learns its kind. */
export type PathDownloadOptions = DownloadOptions & { readonly interrupt?: Interruptible; readonly onOpen?: (kind: Destination['kind']) => void };

/**
 * Downloads to a local path as destination.ts decides (a regular file atomically, a device or FIFO
 * as a stream); on any failure or interrupt the destination is discarded, never left partial.
 */
export async function downloadToPath(
  s3: S3Client,
  src: DownloadSource,
  path: string,
  opts: PathDownloadOptions = {},
): Promise<{ bytes: number; path: string }> {
  return downloadToTarget(s3, src, await resolveTarget(path, src.key), opts);
}

/** The same for a target already classified (get-dir plans all of its targets up front). */
export async function downloadToTarget(
  s3: S3Client,
  src: DownloadSource,
  target: Target,
  opts: PathDownloadOptions = {},
): Promise<{ bytes: number; path: string }> {
  const dest = await openDestination(target, opts.interrupt);
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

import { HeadObjectCommand, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { getObject, getRangeInto } from './wire-ops';
import { readWholeObject } from './ranged-read';
import { Destination, openDestination, resolveTarget, type Target } from './destination';
import type { Interruptible } from '../../shared/interrupt';
import type { ByteRange, SuffixRange } from '../args';

/**
 * Downloads an object into a sink. A whole object is read as ranges, `concurrency` at a time
 * (ranged-read.ts); a regular file takes each range at its own offset as it arrives (positional
 * writes, no reassembly), a stream (stdout, FIFO, device) takes them in order through a bounded
 * read-ahead. Either way memory is bounded by concurrency × chunk size (8 MiB by default).
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
  if (!src.range) return readWholeObject(s3, src, sink, opts);
  const base = { Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) };
  const positional = sink.writeSync?.bind(sink);
  // One request for the byte range asked for (ranged-read.ts splits only whole-object reads).
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

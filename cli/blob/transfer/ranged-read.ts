import type { S3Client } from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../../shared/cli-errors';
import type { DownloadOptions, DownloadSource, Sink } from './download';
import { MiB } from './part-plan';
import { mapPool } from './pool';
import { type GetHead, getRangeInto } from './wire-ops';

/**
 * A whole object read as ranges. The first request (`chunkSize` bytes) doubles as the size probe,
 * so a small object arrives whole in one request; as soon as its head shows a larger object (a
 * 206's Content-Range), the other ranges start, without waiting for the first one's body: one
 * round trip, not one range's transfer, before the ranges run in parallel. They are pinned to the
 * first answer's ETag (or to the version asked for), so a concurrent overwrite cannot splice two
 * versions. At most `concurrency` requests are in flight, the first included. A positional sink
 * takes every range at its offset as it arrives; an ordered one takes them in order through a
 * read-ahead of `concurrency` range buffers. On any failure, or when the caller aborts, every
 * range still in flight is ended: none goes on writing into a destination the caller is about to
 * discard, or holds its connection open.
 */
export async function readWholeObject(s3: S3Client, src: DownloadSource, sink: Sink, opts: DownloadOptions): Promise<{ bytes: number }> {
  const read = new RangedRead(s3, src, sink, opts);
  try {
    return await read.run();
  } catch (err) {
    read.abort(err);
    throw err;
  } finally {
    read.close();
  }
}

/** A file holds no range in memory, so its ranges can be large (fewer requests, as s5cmd's 50 MiB). */
const POSITIONAL_RANGE = 64 * MiB;

interface Range {
  readonly got: number;
  /** An ordered sink's copy of the range (a recycled buffer); a positional sink has it on disk already. */
  readonly buffer?: Buffer;
}

class RangedRead {
  private readonly chunkSize: number;
  private readonly concurrency: number;
  private readonly positional: Sink['writeSync'];
  /** Bucket, key and the version asked for: the part of every range's GetObject that stays the same. */
  private readonly object: { readonly Bucket: string; readonly Key: string; readonly VersionId?: string };
  private readonly inFlight = new AbortController();
  /** Range buffers of an ordered read, recycled once written out (as BufferPool in stream-parts.ts). */
  private readonly free: Buffer[] = [];
  /** Settles once the first range is in the sink (or failed): an ordered sink takes the others after it. */
  private readonly firstWritten: Promise<void>;
  private settleFirst!: (err?: unknown) => void;
  /** The ranges after the first, and the head they are pinned to. */
  private rest: { readonly head: GetHead; readonly bytes: Promise<number> } | undefined;
  private readonly onCallerAbort = (): void => this.abort(this.opts.signal?.reason);

  constructor(
    private readonly s3: S3Client,
    private readonly src: DownloadSource,
    private readonly sink: Sink,
    private readonly opts: DownloadOptions,
  ) {
    this.chunkSize = opts.chunkSize ?? 8 * MiB;
    this.concurrency = opts.concurrency ?? 4;
    this.positional = sink.writeSync?.bind(sink);
    this.object = { Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) };
    this.firstWritten = new Promise<void>((resolve, reject) => (this.settleFirst = (err) => (err === undefined ? resolve() : reject(err))));
    this.firstWritten.catch(() => undefined);
    if (opts.signal?.aborted) this.onCallerAbort();
    else opts.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  abort(reason: unknown): void {
    this.inFlight.abort(reason);
  }

  close(): void {
    this.opts.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  async run(): Promise<{ bytes: number }> {
    let first: (Range & { head: GetHead }) | undefined;
    try {
      first = await this.fetch(0, this.chunkSize, {}, (head) => this.startRest(head)).catch((err: unknown) => {
        // An empty object has no byte 0, so a ranged GET on it fails with 416.
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return undefined;
        throw err;
      });
      // The first range came from a repeated request (the wire missed, the SDK asked again) and the
      // object was replaced in between: the other ranges are pinned to the earlier version.
      if (first && this.rest && !this.src.versionId && this.rest.head.ETag !== first.head.ETag) {
        throw new CliError(`s3://${this.src.bucket}/${this.src.key} changed while it was being read`, EXIT.CONFLICT, 'run the command again');
      }
      if (first?.buffer) {
        await this.sink.write(first.buffer, 0);
        this.recycle(first.buffer);
      }
    } catch (err) {
      this.settleFirst(err);
      throw err;
    }
    this.settleFirst();
    if (!first) {
      this.opts.onStart?.({ size: 0 });
      return { bytes: 0 };
    }
    const total = totalFromContentRange(first.head.ContentRange) ?? first.head.ContentLength ?? first.got;
    this.opts.onStart?.({ size: total, etag: first.head.ETag, versionId: first.head.VersionId });
    this.opts.onProgress?.(first.got);
    // A server that ignored Range sent the whole object. A 206 whose head came with no body byte
    // never called startRest, so its other ranges start now.
    if (first.got >= total) return { bytes: first.got };
    this.rest ??= { head: first.head, bytes: this.afterFirst(total, first.head) };
    return { bytes: first.got + (await this.rest.bytes) };
  }

  private startRest(head: GetHead): void {
    const total = totalFromContentRange(head.ContentRange);
    if (this.rest || total === undefined || total <= this.chunkSize) return;
    this.rest = { head, bytes: this.afterFirst(total, head) };
    this.rest.bytes.catch(() => undefined); // awaited in run(), unless the first range fails first
  }

  /** Fetches one range: into the file at its offset, or into a range buffer (returned) for an ordered sink. */
  private async fetch(start: number, size: number, extra: { IfMatch?: string }, onHead?: (head: GetHead) => void): Promise<Range & { head: GetHead }> {
    const buffer = this.positional ? undefined : (this.free.pop() ?? Buffer.allocUnsafe(this.chunkSize));
    const positional = this.positional;
    let got = 0;
    const head = await getRangeInto(
      this.s3,
      { ...this.object, ...extra, Range: `bytes=${start}-${start + size - 1}` },
      (buf, s, e, off) => {
        if (off + e - s > size) throw new Error(`range response longer than the ${size} bytes requested`);
        if (positional) positional(buf, s, e, start + off);
        else (buffer as Buffer).set(buf.subarray(s, e), off);
        got = Math.max(got, off + e - s);
      },
      this.inFlight.signal,
      onHead,
    );
    return { got, head, ...(buffer ? { buffer: buffer.subarray(0, got) } : {}) };
  }

  private recycle(b: Buffer): void {
    this.free.push(Buffer.from(b.buffer, b.byteOffset, this.chunkSize));
  }

  /** Every range after the first, pinned to `head`; resolves with the bytes they held. */
  private afterFirst(total: number, head: GetHead): Promise<number> {
    const pin = this.src.versionId ? {} : head.ETag ? { IfMatch: head.ETag } : {};
    // A stream's ranges are its read-ahead memory, so they stay at chunkSize.
    const rangeSize = this.positional && !this.opts.chunkSize ? POSITIONAL_RANGE : this.chunkSize;
    const starts: number[] = [];
    for (let s = this.chunkSize; s < total; s += rangeSize) starts.push(s);
    const request = async (start: number): Promise<Range> => {
      const size = Math.min(total, start + rangeSize) - start;
      const r = await this.fetch(start, size, pin);
      if (r.got !== size) throw new Error(`range response ended after ${r.got} of ${size} bytes`);
      return r;
    };
    return this.sink.ordered ? this.inOrder(starts, request) : this.atOffsets(starts, request);
  }

  /**
   * Each range goes straight to its offset: nothing waits for an earlier range. The first range is
   * one of the `concurrency` requests in flight until it is in.
   */
  private async atOffsets(starts: readonly number[], request: (start: number) => Promise<Range>): Promise<number> {
    let bytes = 0;
    await mapPool(
      starts,
      this.concurrency,
      async (start) => {
        const { got, buffer } = await request(start);
        if (buffer) await this.sink.write(buffer, start);
        bytes += got;
        this.opts.onProgress?.(got);
      },
      this.firstWritten,
    );
    return bytes;
  }

  /**
   * Ranges written strictly in order, after the first: `concurrency` in flight (`concurrency - 1`
   * while the first range still holds a buffer), one more being written.
   */
  private async inOrder(starts: readonly number[], request: (start: number) => Promise<Range>): Promise<number> {
    const window: Array<{ start: number; range: Promise<Range> }> = [];
    let next = 0;
    const fill = (width: number): void => {
      while (next < starts.length && window.length < width) {
        const start = starts[next++] as number;
        const range = request(start);
        range.catch(() => undefined); // observed when awaited in order; avoid an unhandled rejection meanwhile
        window.push({ start, range });
      }
    };
    fill(this.concurrency - 1);
    await this.firstWritten;
    fill(this.concurrency);
    let bytes = 0;
    while (window.length) {
      const { start, range } = window.shift()!;
      const { got, buffer } = await range;
      fill(this.concurrency);
      await this.sink.write(buffer as Buffer, start);
      bytes += got;
      this.opts.onProgress?.(got);
      this.recycle(buffer as Buffer);
    }
    return bytes;
  }
}

function totalFromContentRange(cr: string | undefined): number | undefined {
  const m = cr ? /\/(\d+)$/.exec(cr) : null;
  return m ? Number(m[1]) : undefined;
}

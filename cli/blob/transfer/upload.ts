import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CompletedPart,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  StorageClass,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MAX_PARTS, MiB, partRanges, partSizeForLength, streamPartSize } from './part-plan';
import { mapPool, Semaphore } from './pool';
import { BufferPool, FilledPart, PartCutter, type UploadInput } from './stream-parts';
import { putObject, uploadPart } from './wire-ops';

/**
 * Uploads with our own multipart loop rather than lib-storage's Upload: lib-storage uses one fixed
 * part size, so a stdin stream of unknown length would need ~525 MiB parts (and gigabytes of
 * buffers) to reach 5 TiB. Here stream parts grow (see part-plan.ts) and memory is capped:
 *
 *   - part buffers (being filled + in flight) never exceed `memoryBudget` (default 32 MiB);
 *   - parts larger than half the budget (from part 2,001, i.e. after ~24 GB) are spooled to a
 *     temporary file instead, two at a time, so RSS stays flat and disk holds ≤ 2 parts.
 *
 * Files of known size are cut into ranges read straight from disk, so nothing is buffered.
 */
export interface UploadTarget {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
  /** URL-encoded tag set, as PutObject's Tagging header wants it. */
  readonly tagging?: string;
  readonly storageClass?: StorageClass;
  /** If-Match / If-None-Match, sent on PutObject or CompleteMultipartUpload (where S3 checks them). */
  readonly conditions?: { readonly IfMatch?: string; readonly IfNoneMatch?: string };
}

export interface UploadOptions {
  /** Concurrent part requests. */
  readonly concurrency?: number;
  readonly memoryBudget?: number;
  /** Files at or below this size go in one PutObject. */
  readonly multipartThreshold?: number;
  readonly onProgress?: (bytes: number) => void;
  readonly signal?: AbortSignal;
  /** Part sizes for streams (default: part-plan's doubling schedule); tests use small parts. */
  readonly streamPartSize?: (partNumber: number) => number;
}

export interface UploadResult {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly versionId?: string;
  readonly parts: number;
}

const DEFAULT_BUDGET = 32 * MiB;
/** Files up to this size are read whole and sent in one request (put-dir runs 32 at once: ≤ 32 MiB). */
const SMALL_FILE = MiB;

function objectParams(t: UploadTarget) {
  return {
    Bucket: t.bucket,
    Key: t.key,
    ...(t.contentType ? { ContentType: t.contentType } : {}),
    ...(t.metadata && Object.keys(t.metadata).length ? { Metadata: t.metadata } : {}),
    ...(t.tagging ? { Tagging: t.tagging } : {}),
    ...(t.storageClass ? { StorageClass: t.storageClass } : {}),
  };
}

function conditionParams(t: UploadTarget) {
  return { ...(t.conditions?.IfMatch ? { IfMatch: t.conditions.IfMatch } : {}), ...(t.conditions?.IfNoneMatch ? { IfNoneMatch: t.conditions.IfNoneMatch } : {}) };
}

export async function uploadFile(s3: S3Client, path: string, size: number, target: UploadTarget, opts: UploadOptions = {}): Promise<UploadResult> {
  const threshold = opts.multipartThreshold ?? 16 * MiB;
  if (size <= SMALL_FILE) {
    // Read whole: one syscall, and the body can be signed and sent on the wire (wire-ops.ts).
    const body = await readFile(path);
    if (body.length !== size) throw new Error(`${path} changed size while it was being uploaded`);
    const res = await putObject(s3, { ...objectParams(target), ...conditionParams(target), Body: body }, opts.signal);
    opts.onProgress?.(size);
    return { bucket: target.bucket, key: target.key, size, etag: res.ETag, versionId: res.VersionId, parts: 1 };
  }
  if (size <= threshold) {
    const res = await s3.send(
      new PutObjectCommand({ ...objectParams(target), ...conditionParams(target), Body: createReadStream(path), ContentLength: size }),
      { abortSignal: opts.signal },
    );
    opts.onProgress?.(size);
    return { bucket: target.bucket, key: target.key, size, etag: res.ETag, versionId: res.VersionId, parts: 1 };
  }
  const partSize = partSizeForLength(size);
  const ranges = partRanges(size, partSize);
  const budget = opts.memoryBudget ?? DEFAULT_BUDGET;
  if (partSize * 2 > budget) {
    // Parts too big to buffer (files over ~160 GB): each part streams from its file range.
    return multipart(s3, target, opts, async (send) => {
      await mapPool(ranges, 2, (r) => send(r.partNumber, () => createReadStream(path, { start: r.start, end: r.end, highWaterMark: MiB }), r.end - r.start + 1));
      return size;
    });
  }
  // Parts read into recycled buffers upload markedly faster than file-range streams (measured
  // 77 vs 31 MiB/s against the emulator), within the same memory budget as stdin.
  const pool = new BufferPool();
  const file = await open(path, 'r');
  try {
    return await multipart(s3, target, opts, async (send) => {
      await mapPool(ranges, Math.min(opts.concurrency ?? 8, Math.max(1, Math.floor(budget / partSize))), async (r) => {
        const whole = pool.take(partSize);
        try {
          const len = r.end - r.start + 1;
          for (let off = 0; off < len; ) {
            const { bytesRead } = await file.read(whole, off, len - off, r.start + off);
            if (bytesRead === 0) throw new Error(`${path} shrank while it was being uploaded`);
            off += bytesRead;
          }
          await send(r.partNumber, () => whole.subarray(0, len), len);
        } finally {
          pool.give(whole);
        }
      });
      return size;
    });
  } finally {
    await file.close();
  }
}

export async function uploadStream(s3: S3Client, stream: UploadInput, target: UploadTarget, opts: UploadOptions = {}): Promise<UploadResult> {
  const budget = opts.memoryBudget ?? DEFAULT_BUDGET;
  const memory = new Semaphore(budget);
  const spoolSlots = new Semaphore(2);
  const requests = new Semaphore(opts.concurrency ?? 8);
  let spoolDir: string | undefined;

  const sizeOf = opts.streamPartSize ?? streamPartSize;
  const parts = new PartCutter(sizeOf, new BufferPool(), opts.signal);
  // The first part is always in memory (it may become a single PutObject); capped so it cannot wait forever.
  const firstCost = Math.min(sizeOf(1), budget);
  try {
    // The first part decides between one PutObject and a multipart upload.
    const first = await parts.fillFirst(stream, memory, firstCost);
    if (first.done) {
      const body = first.buffer;
      try {
        const res = await putObject(s3, { ...objectParams(target), ...conditionParams(target), Body: body }, opts.signal);
        opts.onProgress?.(body.length);
        return { bucket: target.bucket, key: target.key, size: body.length, etag: res.ETag, versionId: res.VersionId, parts: 1 };
      } finally {
        memory.release(firstCost);
      }
    }
    return await multipart(s3, target, opts, async (send) => {
      const pending = new Set<Promise<void>>();
      let failure: unknown;
      const dispatch = (partNumber: number, part: FilledPart): void => {
        const p = (async () => {
          await requests.acquire();
          try {
            if (part.kind === 'memory') await send(partNumber, () => part.buffer, part.buffer.length);
            else await send(partNumber, () => createReadStream(part.path, { highWaterMark: MiB }), part.size);
          } finally {
            requests.release();
            await part.release();
          }
        })().catch((err: unknown) => {
          failure ??= err;
        });
        pending.add(p);
        void p.finally(() => pending.delete(p));
      };
      dispatch(1, { kind: 'memory', buffer: first.buffer, release: async () => memory.release(firstCost) });
      let total = first.buffer.length;
      for (let partNumber = 2; ; partNumber++) {
        if (failure) break;
        if (partNumber > MAX_PARTS) {
          if (await parts.atEnd()) break;
          throw new Error('input exceeds S3\'s 5 TiB object limit (10,000 parts)');
        }
        const size = sizeOf(partNumber);
        let part: FilledPart | undefined;
        if (size * 2 > budget) {
          await spoolSlots.acquire();
          spoolDir ??= await mkdtemp(join(tmpdir(), 'blob-put-'));
          part = await parts.fillFile(join(spoolDir, `part-${partNumber}`), size, () => spoolSlots.release());
        } else {
          await memory.acquire(size);
          part = await parts.fillMemory(size, () => memory.release(size));
        }
        if (!part) break;
        total += part.kind === 'memory' ? part.buffer.length : part.size;
        dispatch(partNumber, part);
        if (parts.ended) break;
      }
      await Promise.all([...pending]);
      if (failure) throw failure;
      return total;
    });
  } finally {
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }
}


type SendPart = (partNumber: number, body: () => Buffer | Readable, length: number) => Promise<void>;

async function multipart(s3: S3Client, target: UploadTarget, opts: UploadOptions, run: (send: SendPart) => Promise<number>): Promise<UploadResult> {
  // Not abortable: an interrupt that lands after S3 created the upload but before its id arrived
  // would leave an upload nobody can abort. The signal is checked once the id is known.
  const created = await s3.send(new CreateMultipartUploadCommand(objectParams(target)));
  const uploadId = created.UploadId!;
  const done: CompletedPart[] = [];
  try {
    opts.signal?.throwIfAborted();
    const size = await run(async (partNumber, body, length) => {
      const part = body();
      const res = Buffer.isBuffer(part)
        ? await uploadPart(s3, { Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumber: partNumber, Body: part }, opts.signal)
        : await s3.send(new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumber: partNumber, Body: part, ContentLength: length }), { abortSignal: opts.signal });
      done.push({ PartNumber: partNumber, ETag: res.ETag });
      opts.onProgress?.(length);
    });
    done.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const res = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, MultipartUpload: { Parts: done }, ...conditionParams(target) }),
      { abortSignal: opts.signal },
    );
    return { bucket: target.bucket, key: target.key, size, etag: res.ETag, versionId: res.VersionId, parts: done.length };
  } catch (err) {
    // Leave no orphaned parts behind (they would be billed until a lifecycle rule removes them).
    await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}

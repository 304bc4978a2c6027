import { HeadObjectCommand, ListObjectsV2Command, S3Client, StorageClass } from '@aws-sdk/client-s3';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { downloadToTarget } from './download';
import { refusePseudoFs } from './destination';
import { etagIsMd5, fileDigest, SHA256_METADATA_KEY, stripQuotes } from './hash';
import { MiB } from './part-plan';
import { mapPool } from './pool';
import { uploadFile } from './upload';
import { LocalEntry, planGetDir, SkippedLocal, walkLocal } from './local-tree';
import { localIoError } from '../../shared/local-io';
import type { Interruptible } from '../../shared/interrupt';

export type { LocalEntry, SkippedLocal } from './local-tree';

/**
 * put-dir / get-dir: parallel, relative paths kept, and files already identical on the other side
 * skipped. "Identical" means same size and, for single-part objects, the ETag equals the local
 * MD5; multipart objects (whose ETag is not an MD5) are compared through the SHA-256 that put-dir
 * stores in their metadata. Anything that cannot be proven identical is transferred.
 */
export interface RemoteEntry {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

export interface SyncOptions {
  readonly concurrency?: number;
  readonly multipartThreshold?: number;
  readonly metadata?: Record<string, string>;
  readonly tagging?: string;
  readonly storageClass?: StorageClass;
  readonly contentTypeOf?: (path: string) => string | undefined;
  readonly onFileDone?: (entry: { rel: string; bytes: number; skipped: boolean }) => void;
  /** Called once the work is known: the number of files to consider. */
  readonly onPlanned?: (files: number) => void;
  /** Aborts requests and removes temporary files (SIGINT/SIGTERM). */
  readonly interrupt?: Interruptible;
}

export interface SyncResult {
  readonly transferred: Array<{ key: string; path: string; size: number }>;
  readonly skipped: Array<{ key: string; path: string; size: number }>;
  /** put-dir: local entries that are not regular readable files, so were not uploaded. */
  readonly skippedLocal?: readonly SkippedLocal[];
}

export async function* listRemote(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<RemoteEntry> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) yield { key: o.Key!, size: o.Size ?? 0, etag: o.ETag };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

async function remoteSha256(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return head.Metadata?.[SHA256_METADATA_KEY];
}

export async function sameContent(s3: S3Client, bucket: string, local: LocalEntry, remote: RemoteEntry): Promise<boolean> {
  if (local.size !== remote.size) return false;
  if (etagIsMd5(remote.etag)) return (await fileDigest(local.path, 'md5')) === stripQuotes(remote.etag);
  const sha = await remoteSha256(s3, bucket, remote.key);
  return !!sha && sha === (await fileDigest(local.path, 'sha256'));
}

export async function putDir(s3: S3Client, dir: string, bucket: string, prefix: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const { files: locals, skipped: skippedLocal } = await walkLocal(dir);
  opts.onPlanned?.(locals.length);
  const remote = new Map<string, RemoteEntry>();
  for await (const r of listRemote(s3, bucket, prefix)) remote.set(r.key, r);
  const threshold = opts.multipartThreshold ?? 16 * MiB;
  const result: SyncResult = { transferred: [], skipped: [], skippedLocal };
  const signal = opts.interrupt?.signal;
  await mapPool(locals, opts.concurrency ?? 32, async (file) => {
    signal?.throwIfAborted();
    const key = `${prefix}${file.rel}`;
    const existing = remote.get(key);
    if (existing && (await sameContent(s3, bucket, file, existing))) {
      result.skipped.push({ key, path: file.path, size: file.size });
      opts.onFileDone?.({ rel: file.rel, bytes: file.size, skipped: true });
      return;
    }
    // Multipart ETags are not content hashes, so record one for the next comparison.
    const sha: Record<string, string> = file.size > threshold ? { [SHA256_METADATA_KEY]: await fileDigest(file.path, 'sha256') } : {};
    const contentType = opts.contentTypeOf?.(file.path);
    await uploadFile(
      s3,
      file.path,
      file.size,
      {
        bucket,
        key,
        metadata: { ...opts.metadata, ...sha },
        ...(contentType ? { contentType } : {}),
        ...(opts.tagging ? { tagging: opts.tagging } : {}),
        ...(opts.storageClass ? { storageClass: opts.storageClass } : {}),
      },
      { multipartThreshold: threshold, concurrency: 4, ...(signal ? { signal } : {}) },
    ).catch((err: unknown) => {
      // A file that vanished or became unreadable after the walk names itself.
      throw (err as { syscall?: string }).syscall ? localIoError(err, file.path) : err;
    });
    result.transferred.push({ key, path: file.path, size: file.size });
    opts.onFileDone?.({ rel: file.rel, bytes: file.size, skipped: false });
  });
  return result;
}

export async function getDir(s3: S3Client, bucket: string, prefix: string, dir: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const remotes = new Map<string, RemoteEntry>();
  for await (const r of listRemote(s3, bucket, prefix)) if (!r.key.endsWith('/')) remotes.set(r.key, r);
  const plan = await planGetDir(dir, prefix, [...remotes.keys()]);
  opts.onPlanned?.(plan.length);
  const result: SyncResult = { transferred: [], skipped: [] };
  const signal = opts.interrupt?.signal;
  if (plan.length) await refusePseudoFs(dir);
  // Each directory is created once, not once per file in it.
  const made = new Map<string, Promise<unknown>>();
  const makeDir = (d: string): Promise<unknown> => {
    let p = made.get(d);
    if (!p) {
      p = mkdir(d, { recursive: true }).catch((err: unknown) => {
        throw localIoError(err, d);
      });
      made.set(d, p);
    }
    return p;
  };
  await mapPool(plan, opts.concurrency ?? 32, async (p) => {
    signal?.throwIfAborted();
    const r = remotes.get(p.key) as RemoteEntry;
    if (p.existing && (await sameContent(s3, bucket, p.existing, r))) {
      result.skipped.push({ key: r.key, path: p.path, size: r.size });
      opts.onFileDone?.({ rel: p.rel, bytes: r.size, skipped: true });
      return;
    }
    await makeDir(dirname(p.path));
    // The plan already classified the path (absent or a regular file), so no second lstat/realpath.
    const target = { kind: 'file' as const, path: p.path, ...(p.mode !== undefined ? { mode: p.mode } : {}) };
    await downloadToTarget(s3, { bucket, key: r.key }, target, { concurrency: 4, ...(opts.interrupt ? { interrupt: opts.interrupt } : {}) });
    result.transferred.push({ key: r.key, path: p.path, size: r.size });
    opts.onFileDone?.({ rel: p.rel, bytes: r.size, skipped: false });
  });
  return result;
}

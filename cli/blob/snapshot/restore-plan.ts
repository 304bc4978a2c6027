import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../../shared/cli-errors';
import { copyObject } from '../transfer/copy';
import { Entry, stateAt } from './history';
import { NONCURRENT_EXPIRATION_DAYS } from './keys';
import { mergeJoin, sameContent } from './merge';

/**
 * Restore and fork: make `destPrefix` equal to a target state of `sourcePrefix` (a snapshot's
 * manifest or the history at an instant) by server-side copies of the exact versions, and with
 * `delete` by delete markers on keys the target lacks. Two passes over merge-joined key streams,
 * each holding a few entries plus the requests in flight:
 *
 *   1. plan: count the work and HEAD every version to copy, so a version that has expired is
 *      refused before anything is touched;
 *   2. apply: the same join again, copying and deleting.
 *
 * A key already equal to its target (same ETag and size) is skipped, so a rerun after an
 * interrupt does only what is left.
 */
export interface RestoreSpec {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly sourcePrefix: string;
  readonly destPrefix: string;
  /** Opens the target state again for each pass (entries keyed under sourcePrefix, in key order). */
  readonly target: () => AsyncIterable<Entry>;
  readonly delete: boolean;
  readonly dryRun: boolean;
  readonly concurrency: number;
  /** What the command names in messages, e.g. "restore s3://b/p/". */
  readonly what: string;
}

export interface RestoreReport {
  copied: number;
  bytes_copied: number;
  deleted: number;
  unchanged: number;
  /** Keys the target lacks, left in place because --delete was not given. */
  extra_kept: number;
}

type Action = { kind: 'copy'; from: Entry; to: string } | { kind: 'delete'; key: string } | { kind: 'unchanged' } | { kind: 'extra' };

async function* actions(spec: RestoreSpec): AsyncGenerator<Action> {
  const toDest = (key: string): string => spec.destPrefix + key.slice(spec.sourcePrefix.length);
  const current = stateAt(spec.s3, spec.bucket, spec.destPrefix);
  for await (const p of mergeJoin(spec.target(), current, toDest)) {
    if (p.a && p.b && sameContent(p.a, p.b)) yield { kind: 'unchanged' };
    else if (p.a) yield { kind: 'copy', from: { ...p.a, key: spec.sourcePrefix + p.key.slice(spec.destPrefix.length) }, to: p.key };
    else yield spec.delete ? { kind: 'delete', key: p.key } : { kind: 'extra' };
  }
}

/** Runs fn over a stream with at most `limit` calls in flight; the first failure stops it. */
export async function forEachBounded<T>(items: AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: unknown;
  for await (const item of items) {
    if (failure !== undefined) break;
    const p = fn(item).catch((err: unknown) => {
      failure ??= err;
    });
    running.add(p);
    void p.finally(() => running.delete(p));
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure;
}

async function versionExists(s3: S3Client, bucket: string, e: Entry): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: e.key, VersionId: e.version_id }));
    return true;
  } catch (err) {
    const x = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (x.$metadata?.httpStatusCode === 404 || x.name === 'NotFound' || x.name === 'NoSuchVersion') return false;
    throw err;
  }
}

function emptyReport(): RestoreReport {
  return { copied: 0, bytes_copied: 0, deleted: 0, unchanged: 0, extra_kept: 0 };
}

export async function restorePrefix(spec: RestoreSpec): Promise<RestoreReport & { dry_run: boolean }> {
  const plan = emptyReport();
  let missing = 0;
  let firstMissing: Entry | undefined;
  await forEachBounded(actions(spec), spec.concurrency, async (a) => {
    if (a.kind === 'copy') {
      plan.copied++;
      plan.bytes_copied += a.from.size;
      if (!(await versionExists(spec.s3, spec.bucket, a.from))) {
        missing++;
        firstMissing ??= a.from;
      }
    } else if (a.kind === 'delete') plan.deleted++;
    else if (a.kind === 'unchanged') plan.unchanged++;
    else plan.extra_kept++;
  });
  if (firstMissing) {
    throw new CliError(
      `${spec.what}: ${missing} version(s) of the target no longer exist, e.g. ${firstMissing.key} version ${firstMissing.version_id} (${firstMissing.last_modified}); nothing was changed`,
      EXIT.NOT_FOUND,
      `noncurrent versions expire ${NONCURRENT_EXPIRATION_DAYS} days after being replaced; restore from a newer snapshot or --at a later time`,
    );
  }
  if (spec.dryRun) return { ...plan, dry_run: true };
  const done = emptyReport();
  await forEachBounded(actions(spec), spec.concurrency, async (a) => {
    if (a.kind === 'copy') {
      await copyObject(spec.s3, { bucket: spec.bucket, key: a.from.key, versionId: a.from.version_id }, { bucket: spec.bucket, key: a.to });
      done.copied++;
      done.bytes_copied += a.from.size;
    } else if (a.kind === 'delete') {
      await spec.s3.send(new DeleteObjectCommand({ Bucket: spec.bucket, Key: a.key }));
      done.deleted++;
    } else if (a.kind === 'unchanged') done.unchanged++;
    else done.extra_kept++;
  });
  return { ...done, dry_run: false };
}

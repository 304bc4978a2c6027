import { stat } from 'node:fs/promises';
import { CliError, EXIT } from '../../shared/cli-errors';
import { asDirectoryPrefix, refuseVersion } from '../s3-uri';
import { getDir, putDir, SyncOptions, SyncResult } from '../transfer/dir-sync';
import { printJson } from '../../shared/output';
import { runInterruptible } from '../../shared/interrupt';
import { parseConcurrency } from '../args';
import { BlobContext } from '../context';
import type { PutFlags } from './put';

export interface SyncedFile {
  key: string;
  path: string;
  size: number;
  action: 'uploaded' | 'downloaded' | 'skipped';
}

export interface DirSummary {
  uri: string;
  transferred: number;
  skipped: number;
  bytes: number;
  files: SyncedFile[];
  /** put-dir: local entries not uploaded because they are not regular readable files. */
  skipped_local?: Array<{ path: string; reason: string }>;
}

/** Counts finished files so an interrupt can say how far a directory transfer got. */
function tally(): { planned: (n: number) => void; done: () => void; text: (verb: string) => string } {
  let total: number | undefined;
  let finished = 0;
  return {
    planned: (n) => (total = n),
    done: () => void finished++,
    text: (verb) => `${verb} stopped after ${finished}${total === undefined ? '' : ` of ${total}`} files; files not yet finished were not written`,
  };
}

function summary(result: SyncResult, direction: 'put' | 'get'): Omit<DirSummary, 'uri'> {
  const bytes = result.transferred.reduce((n, f) => n + f.size, 0);
  return {
    transferred: result.transferred.length,
    skipped: result.skipped.length,
    bytes,
    files: [
      ...result.transferred.map((f): SyncedFile => ({ key: f.key, path: f.path, size: f.size, action: direction === 'put' ? 'uploaded' : 'downloaded' })),
      ...result.skipped.map((f): SyncedFile => ({ key: f.key, path: f.path, size: f.size, action: 'skipped' })),
    ].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

export async function putDirectory(ctx: BlobContext, dir: string, prefix: string, flags: PutFlags): Promise<void> {
  const t = tally();
  const summary = await runInterruptible({
    work: (interrupt) => uploadDirectory(ctx, dir, prefix, flags, { interrupt, onPlanned: t.planned, onFileDone: t.done }),
    describe: () => t.text('put-dir'),
    completed: (s) => `put-dir had finished all ${s.transferred + s.skipped} files`,
  });
  if (summary.skipped_local?.length) {
    const reasons = [...new Set(summary.skipped_local.map((f) => f.reason))].sort().join(', ');
    process.stderr.write(`blob: note: put-dir skipped ${summary.skipped_local.length} local entries that are not regular readable files (${reasons}); see skipped_local\n`);
  }
  await printJson(summary);
}

type DirProgress = Pick<SyncOptions, 'interrupt' | 'onPlanned' | 'onFileDone'>;

export async function uploadDirectory(ctx: BlobContext, dir: string, prefix: string, flags: PutFlags, progress: DirProgress = {}): Promise<DirSummary> {
  // Loaded here, not at the top: put.ts brings the MIME database (~11 ms), which get-dir never needs.
  const { guessContentType, uploadSettings } = await import('./put');
  const settings = uploadSettings(flags);
  const concurrency = parseConcurrency(flags.concurrency, 32);
  const st = await stat(dir);
  if (!st.isDirectory()) throw new CliError(`${dir} is not a directory`, EXIT.USAGE, `use blob put ${dir} ${prefix} for a single file`);
  const loc = refuseVersion(await ctx.location(prefix), prefix, 'a directory prefix');
  const s3 = await ctx.s3();
  const result = await putDir(s3, dir, loc.bucket, asDirectoryPrefix(loc.key), {
    concurrency,
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
    ...(settings.tagging ? { tagging: settings.tagging } : {}),
    ...(settings.storageClass ? { storageClass: settings.storageClass } : {}),
    contentTypeOf: (path) => settings.contentType ?? guessContentType(path),
    ...progress,
  });
  const skippedLocal = (result.skippedLocal ?? []).map((f) => ({ path: f.path, reason: f.reason }));
  return { uri: `s3://${loc.bucket}/${asDirectoryPrefix(loc.key)}`, ...summary(result, 'put'), skipped_local: skippedLocal };
}

export async function getDirectory(ctx: BlobContext, prefix: string, dir: string, flags: { concurrency?: string }): Promise<void> {
  const t = tally();
  const summary = await runInterruptible({
    work: (interrupt) => downloadDirectory(ctx, prefix, dir, flags, { interrupt, onPlanned: t.planned, onFileDone: t.done }),
    describe: () => t.text('get-dir'),
    completed: (s) => `get-dir had finished all ${s.transferred + s.skipped} files`,
  });
  await printJson(summary);
}

export async function downloadDirectory(ctx: BlobContext, prefix: string, dir: string, flags: { concurrency?: string }, progress: DirProgress = {}): Promise<DirSummary> {
  const concurrency = parseConcurrency(flags.concurrency, 32);
  const loc = refuseVersion(await ctx.location(prefix), prefix, 'a directory prefix');
  const s3 = await ctx.s3();
  const result = await getDir(s3, loc.bucket, asDirectoryPrefix(loc.key), dir, { concurrency, ...progress });
  if (!result.transferred.length && !result.skipped.length) {
    throw new CliError(`no objects under s3://${loc.bucket}/${asDirectoryPrefix(loc.key)}`, EXIT.NOT_FOUND, 'check the prefix with blob list');
  }
  return { uri: `s3://${loc.bucket}/${asDirectoryPrefix(loc.key)}`, ...summary(result, 'get') };
}

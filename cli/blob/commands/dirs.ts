import { stat } from 'node:fs/promises';
import { CliError, EXIT } from '../../shared/cli-errors';
import { asDirectoryPrefix } from '../s3-uri';
import { getDir, putDir, SyncResult } from '../transfer/dir-sync';
import { printJson } from '../../shared/output';
import { parseConcurrency } from '../args';
import { BlobContext } from '../context';
import { guessContentType, PutFlags, uploadSettings } from './put';

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
  await printJson(await uploadDirectory(ctx, dir, prefix, flags));
}

export async function uploadDirectory(ctx: BlobContext, dir: string, prefix: string, flags: PutFlags): Promise<DirSummary> {
  const settings = uploadSettings(flags);
  const concurrency = parseConcurrency(flags.concurrency, 32);
  const st = await stat(dir);
  if (!st.isDirectory()) throw new CliError(`${dir} is not a directory`, EXIT.USAGE, `use blob put ${dir} ${prefix} for a single file`);
  const loc = await ctx.location(prefix);
  const s3 = await ctx.s3();
  const result = await putDir(s3, dir, loc.bucket, asDirectoryPrefix(loc.key), {
    concurrency,
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
    ...(settings.tagging ? { tagging: settings.tagging } : {}),
    ...(settings.storageClass ? { storageClass: settings.storageClass } : {}),
    contentTypeOf: (path) => settings.contentType ?? guessContentType(path),
  });
  return { uri: `s3://${loc.bucket}/${asDirectoryPrefix(loc.key)}`, ...summary(result, 'put') };
}

export async function getDirectory(ctx: BlobContext, prefix: string, dir: string, flags: { concurrency?: string }): Promise<void> {
  await printJson(await downloadDirectory(ctx, prefix, dir, flags));
}

export async function downloadDirectory(ctx: BlobContext, prefix: string, dir: string, flags: { concurrency?: string }): Promise<DirSummary> {
  const concurrency = parseConcurrency(flags.concurrency, 32);
  const loc = await ctx.location(prefix);
  const s3 = await ctx.s3();
  const result = await getDir(s3, loc.bucket, asDirectoryPrefix(loc.key), dir, { concurrency });
  if (!result.transferred.length && !result.skipped.length) {
    throw new CliError(`no objects under s3://${loc.bucket}/${asDirectoryPrefix(loc.key)}`, EXIT.NOT_FOUND, 'check the prefix with blob list');
  }
  return { uri: `s3://${loc.bucket}/${asDirectoryPrefix(loc.key)}`, ...summary(result, 'get') };
}

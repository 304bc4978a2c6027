import { HeadObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { ARCHIVE_CLASSES, parseDays, parseRestoreHeader, parseTier, RestoreStatus } from '../archive';
import { CliError, EXIT } from '../../shared/cli-errors';
import { printJson } from '../../shared/output';
import { BlobContext, uri } from '../context';

/**
 * `blob restore KEY [--days N] [--tier T]`: asks S3 for a temporary readable copy of an archived
 * object (RestoreObject). Safe to repeat: a restore that already finished is extended to the new
 * --days (what S3 does with a second request); one still running is reported, not restarted.
 */
export interface ArchiveRestoreFlags {
  days?: string;
  tier?: string;
}

export interface ArchiveRestoreResult {
  uri: string;
  version_id: string | null;
  storage_class: string;
  tier: string;
  days: number;
  /** started: a new restore; extended: the copy was already restored, its expiry moved. */
  status: 'started' | 'extended';
  restore: RestoreStatus | null;
}

export async function archiveRestore(ctx: BlobContext, target: string, flags: ArchiveRestoreFlags): Promise<void> {
  const days = parseDays(flags.days);
  const tier = parseTier(flags.tier);
  const loc = await ctx.object(target);
  const s3 = await ctx.s3();
  const v = loc.versionId ? { VersionId: loc.versionId } : {};
  const where = `${uri(loc)}${loc.versionId ? `?versionId=${loc.versionId}` : ''}`;
  const before = await s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v }));
  const storageClass = before.StorageClass ?? 'STANDARD';
  if (!ARCHIVE_CLASSES.includes(storageClass)) {
    throw new CliError(`${where} is in ${storageClass}, not archived: nothing to restore`, EXIT.CONFLICT, 'read it directly with blob get');
  }
  if (tier === 'Expedited' && storageClass === 'DEEP_ARCHIVE') {
    throw new CliError(`${where} is in DEEP_ARCHIVE, which has no Expedited retrieval`, EXIT.USAGE, 'use --tier Standard (within 12 h) or --tier Bulk (within 48 h)');
  }
  if (parseRestoreHeader(before.Restore)?.ongoing) throw inProgress(where);
  try {
    await s3.send(
      new RestoreObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v, RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } } }),
    );
  } catch (err) {
    // Another caller may have started one between our HEAD and this request.
    if ((err as { name?: string }).name === 'RestoreAlreadyInProgress') throw inProgress(where);
    throw err;
  }
  const after = await s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v }));
  const result: ArchiveRestoreResult = {
    uri: uri(loc),
    version_id: after.VersionId ?? loc.versionId ?? null,
    storage_class: storageClass,
    tier,
    days,
    status: before.Restore ? 'extended' : 'started',
    restore: parseRestoreHeader(after.Restore),
  };
  await printJson(result);
}

function inProgress(where: string): CliError {
  return new CliError(
    `${where}: a restore is already in progress`,
    EXIT.CONFLICT,
    'nothing to do; blob head shows "restore": {"ongoing": false, "expiry": …} once the copy is readable: Standard takes 3-5 h, Bulk 5-12 h, Expedited 1-5 min',
  );
}

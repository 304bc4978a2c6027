import { CliError, EXIT } from '../../shared/cli-errors';
import { parseDuration } from '../../shared/duration';
import { printJson } from '../../shared/output';
import { parseConcurrency } from '../args';
import { BlobContext } from '../context';
import { Entry, stateAt } from '../snapshot/history';
import { checkName, NONCURRENT_EXPIRATION_DAYS, normalizePrefix } from '../snapshot/keys';
import { openManifest } from '../snapshot/manifest';
import { RestoreReport, restorePrefix } from '../snapshot/restore-plan';
import { workspace } from './snapshot';

/**
 * `blob restore PREFIX --snapshot N | --at TIME` and `blob fork PREFIX NEW_PREFIX [...]`: make a
 * prefix (the same one, or a new one) equal to a snapshot or to the prefix's state at an instant,
 * by server-side copies of the exact versions. See snapshot/restore-plan.ts.
 */
export interface WorkspaceRestoreFlags {
  snapshot?: string;
  at?: string;
  dryRun?: boolean;
  delete?: boolean;
  concurrency?: string;
}

/** An ISO time, or a duration ago ("2h", "7d"). Older than the noncurrent window is refused. */
export function parseAt(input: string): Date {
  const iso = Date.parse(input);
  const at = Number.isNaN(iso) ? new Date(Date.now() - parseDuration(input, '--at') * 1000) : new Date(iso);
  if (at.getTime() > Date.now()) throw new CliError(`--at ${input} is in the future`, EXIT.USAGE, 'give a past ISO time or a duration ago such as 2h');
  const oldest = Date.now() - NONCURRENT_EXPIRATION_DAYS * 86_400_000;
  if (at.getTime() < oldest) {
    throw new CliError(
      `--at ${at.toISOString()} is more than ${NONCURRENT_EXPIRATION_DAYS} days ago: versions replaced since then may have expired, so that state cannot be rebuilt faithfully`,
      EXIT.NOT_FOUND,
      'restore from a snapshot, or a time within the last 30 days',
    );
  }
  return at;
}

/** What restore and fork print: where from and to, which state, and what was (or would be) done. */
export type WorkspaceRestoreResult = { source: string; destination: string; snapshot?: string; at?: string } & RestoreReport & { dry_run: boolean };

async function run(ctx: BlobContext, command: string, source: string, dest: string | undefined, flags: WorkspaceRestoreFlags): Promise<WorkspaceRestoreResult> {
  if (flags.snapshot !== undefined && flags.at !== undefined) throw new CliError('--snapshot and --at together', EXIT.USAGE, 'give one of them');
  const ws = await workspace(ctx, source);
  const destLoc = dest === undefined ? undefined : await ctx.location(dest);
  if (destLoc && destLoc.bucket !== ws.bucket) throw new CliError('fork stays within one bucket', EXIT.USAGE, 'give NEW_PREFIX in the same bucket');
  const destPrefix = destLoc ? normalizePrefix(destLoc.key) : ws.prefix;
  if (destLoc && (destPrefix.startsWith(ws.prefix) || ws.prefix.startsWith(destPrefix))) {
    throw new CliError(`${destPrefix} and ${ws.prefix} overlap`, EXIT.USAGE, 'fork into a prefix outside the source');
  }
  const concurrency = parseConcurrency(flags.concurrency, 16);
  let target: () => AsyncIterable<Entry>;
  let from: { snapshot: string } | { at: string };
  if (flags.snapshot !== undefined) {
    const name = checkName(flags.snapshot);
    // Opened once up front so a missing snapshot fails before any listing.
    (await openManifest(ws.s3, ws.bucket, ws.prefix, name)).close();
    target = async function* () {
      yield* (await openManifest(ws.s3, ws.bucket, ws.prefix, name)).entries();
    };
    from = { snapshot: name };
  } else if (flags.at !== undefined) {
    const at = parseAt(flags.at);
    target = () => stateAt(ws.s3, ws.bucket, ws.prefix, at);
    from = { at: at.toISOString() };
  } else if (dest !== undefined) {
    target = () => stateAt(ws.s3, ws.bucket, ws.prefix);
    from = { at: 'now' };
  } else {
    throw new CliError('restore needs --snapshot NAME or --at TIME', EXIT.USAGE, 'see blob restore --help');
  }
  const what = `${command} s3://${ws.bucket}/${ws.prefix}`;
  const report = await restorePrefix({ s3: ws.s3, bucket: ws.bucket, sourcePrefix: ws.prefix, destPrefix, target, delete: !!flags.delete, dryRun: !!flags.dryRun, concurrency, what });
  return { source: `s3://${ws.bucket}/${ws.prefix}`, destination: `s3://${ws.bucket}/${destPrefix}`, ...from, ...report };
}

export async function restore(ctx: BlobContext, prefix: string, flags: WorkspaceRestoreFlags): Promise<void> {
  await printJson(await restoreWorkspace(ctx, prefix, flags));
}

export async function fork(ctx: BlobContext, prefix: string, newPrefix: string, flags: WorkspaceRestoreFlags): Promise<void> {
  await printJson(await forkWorkspace(ctx, prefix, newPrefix, flags));
}

export function restoreWorkspace(ctx: BlobContext, prefix: string, flags: WorkspaceRestoreFlags): Promise<WorkspaceRestoreResult> {
  return run(ctx, 'restore', prefix, undefined, flags);
}

export function forkWorkspace(ctx: BlobContext, prefix: string, newPrefix: string, flags: WorkspaceRestoreFlags): Promise<WorkspaceRestoreResult> {
  return run(ctx, 'fork', prefix, newPrefix, flags);
}

import { CliError, EXIT } from '../shared/cli-errors';

/**
 * Archived objects (S3 Glacier Flexible Retrieval and Deep Archive): their bytes cannot be read,
 * copied or selected until `blob restore` has made a temporary copy. S3 answers such a read with
 * 403 InvalidObjectState (ObjectNotInActiveTierError for a copy), which without this would read as
 * "access denied… check your credentials".
 */
export const ARCHIVE_CLASSES: readonly string[] = ['GLACIER', 'DEEP_ARCHIVE'];
export const RESTORE_TIERS = ['Standard', 'Bulk', 'Expedited'] as const;
export type RestoreTier = (typeof RESTORE_TIERS)[number];

/** `x-amz-restore` as `blob head` reports it; null when no restore was ever requested. */
export interface RestoreStatus {
  readonly ongoing: boolean;
  /** When the restored copy is removed again (ISO 8601); null while ongoing. */
  readonly expiry: string | null;
}

/** Parses `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`. */
export function parseRestoreHeader(header: string | undefined): RestoreStatus | null {
  if (!header) return null;
  const ongoing = /ongoing-request="true"/i.test(header);
  const m = /expiry-date="([^"]+)"/i.exec(header);
  const date = m ? new Date(m[1] as string) : undefined;
  return { ongoing, expiry: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null };
}

/** An archived object's bytes are readable only while a finished restore has not expired. */
export function isReadable(storageClass: string | undefined, restore: string | undefined): boolean {
  if (!storageClass || !ARCHIVE_CLASSES.includes(storageClass)) return true;
  const status = parseRestoreHeader(restore);
  return !!status && !status.ongoing;
}

/** What to type to get an archived object back: the operand as the user wrote it. */
export function restoreHint(target: string | undefined): string {
  const key = target ? shellWord(target) : 'KEY';
  return `restore it first: blob restore ${key} --days N --tier Standard|Bulk|Expedited, then read it once blob head shows "ongoing": false`;
}

/** The one line for a read of an archived object that is not (yet) restored. Exit 6, like S3's state conflict. */
export function archivedError(what: string, storageClass: string | undefined, target: string | undefined, ongoing = false): CliError {
  const where = storageClass ? `archived in ${storageClass}` : 'archived (not in an active storage tier)';
  const state = ongoing ? 'its restore is still in progress' : 'not restored';
  return new CliError(`${what}${where} and ${state}`, EXIT.CONFLICT, ongoing ? 'wait until blob head shows "ongoing": false' : restoreHint(target));
}

export function parseTier(input: string | undefined): RestoreTier {
  const t = RESTORE_TIERS.find((x) => x.toLowerCase() === (input ?? 'Standard').toLowerCase());
  if (!t) throw new CliError(`unknown --tier "${input}"`, EXIT.USAGE, 'use Standard (3-5 h), Bulk (5-12 h, cheapest) or Expedited (1-5 min; not for DEEP_ARCHIVE)');
  return t;
}

export function parseDays(input: string | undefined): number {
  const raw = input ?? '7';
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 36_500) {
    throw new CliError(`invalid --days "${raw}"`, EXIT.USAGE, 'a whole number of days from 1 to 36500 that the restored copy stays readable');
  }
  return n;
}

function shellWord(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The archived-object reading of a service error, if it is one: S3's InvalidObjectState (GET,
 * SELECT; it names the storage class) or ObjectNotInActiveTierError (a copy's source).
 */
export function archivedReadError(err: unknown, what: string, target: string | undefined): CliError | undefined {
  const e = (err ?? {}) as { name?: string; Code?: string; StorageClass?: string; ongoing?: boolean };
  const code = e.Code ?? e.name;
  if (code === 'InvalidObjectState') return archivedError(`${what}: `, e.StorageClass, target, e.ongoing === true);
  if (code === 'ObjectNotInActiveTierError') return archivedError(`${what}: `, undefined, target);
  return undefined;
}

/** Thrown before a read or copy that S3 would refuse, shaped like S3's own InvalidObjectState. */
export class ArchivedObjectError extends Error {
  override readonly name = 'InvalidObjectState';
  constructor(
    readonly StorageClass: string,
    readonly ongoing: boolean,
  ) {
    super(`object is archived in ${StorageClass}`);
  }
}

/** For code that has a HEAD in hand: refuse early, naming the class, instead of failing mid-transfer. */
export function assertReadable(head: { StorageClass?: string; Restore?: string }): void {
  if (!isReadable(head.StorageClass, head.Restore)) {
    throw new ArchivedObjectError(head.StorageClass ?? 'GLACIER', parseRestoreHeader(head.Restore)?.ongoing === true);
  }
}

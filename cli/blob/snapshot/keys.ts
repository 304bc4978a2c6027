import { CliError, EXIT } from '../../shared/cli-errors';

/**
 * Where snapshots live and how keys compare. A prefix's manifests are stored inside it, under
 * `<prefix>.snapshots/`, so whoever may write a workspace (an agent role scoped to its prefix) may
 * snapshot it; every listing, diff, restore and fork of the prefix leaves that folder out.
 */
export const SNAPSHOT_DIR = '.snapshots/';

/**
 * Noncurrent versions expire this many days after they stop being current (lib/config.ts
 * SEED_LIFECYCLE.noncurrentVersionExpirationDays; the CLI may not import lib/).
 */
export const NONCURRENT_EXPIRATION_DAYS = 30;

/** A workspace prefix ends with "/" (or is the whole bucket), so `a/b` never takes in `a/bc`. */
export function normalizePrefix(prefix: string): string {
  if (prefix.includes(SNAPSHOT_DIR)) throw new CliError(`"${prefix}" is inside a ${SNAPSHOT_DIR} folder`, EXIT.USAGE, 'snapshot the workspace prefix itself');
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export function snapshotFolder(prefix: string): string {
  return `${prefix}${SNAPSHOT_DIR}`;
}

export function isSnapshotKey(prefix: string, key: string): boolean {
  return key.startsWith(snapshotFolder(prefix));
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkName(name: string): string {
  if (!NAME.test(name) || name === 'now') {
    throw new CliError(`invalid snapshot name "${name}"`, EXIT.USAGE, 'letters, digits, ".", "_" and "-" (at most 128; not "now")');
  }
  return name;
}

export function manifestKey(prefix: string, name: string): string {
  return `${snapshotFolder(prefix)}${checkName(name)}.ndjson`;
}

/** The default name: the snapshot's instant, sortable and key-safe. */
export function defaultName(at: Date): string {
  return at.toISOString().replace(/:/g, '-').replace(/\.\d{3}Z$/, 'Z');
}

/** S3 lists keys in UTF-8 byte order; JavaScript's `<` compares UTF-16 units, which differs. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}


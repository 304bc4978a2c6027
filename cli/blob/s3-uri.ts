import { CliError, EXIT } from '../shared/cli-errors';

/**
 * S3 locations as the CLIs accept them: `s3://bucket/key[?versionId=v]`, or a bare key ("short
 * form") whose bucket comes from the environment (--env / BLOB_ENV) or BLOB_BUCKET. Parsing is pure;
 * resolving the short form's bucket happens at the CLI edge.
 */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

export interface S3Target {
  /** Absent for the short form. */
  readonly bucket?: string;
  readonly key: string;
  readonly versionId?: string;
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Uri(input: string): boolean {
  return /^s3:\/\//i.test(input);
}

export interface ParseOptions {
  /**
   * Take the key exactly as written: a `?versionId=` in it is part of the key, not a version
   * (`--literal-key`, for the rare key that really contains that text).
   */
  readonly literalKey?: boolean;
}

export function parseS3Target(input: string, opts: ParseOptions = {}): S3Target {
  if (input === '') throw usage('empty S3 location', 'pass s3://bucket/key or a key');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) && !isS3Uri(input)) {
    throw usage(`"${input}" is not an S3 location`, 'use s3://bucket/key; http(s) links are for presigned URLs');
  }
  if (!isS3Uri(input)) {
    if (/^s3:/i.test(input)) throw usage(`malformed S3 URI "${input}"`, 'write it as s3://bucket/key');
    // The short form takes the same `?versionId=` suffix as a URI, so `key?versionId=V` never
    // reaches S3 (or a presigned URL) as a key with that text in it.
    const { key, versionId } = opts.literalKey ? { key: input, versionId: undefined } : splitVersion(input, input);
    return { key: key.replace(/^\/+/, ''), ...(versionId ? { versionId } : {}) };
  }
  const rest = input.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const { key, versionId } = opts.literalKey ? { key: slash === -1 ? '' : rest.slice(slash + 1), versionId: undefined } : splitVersion(slash === -1 ? '' : rest.slice(slash + 1), input);
  if (!bucket) throw usage(`no bucket in "${input}"`, 'write it as s3://bucket/key');
  if (!BUCKET_RE.test(bucket) || bucket.includes('..')) {
    throw usage(`invalid bucket name "${bucket}" in "${input}"`, 'bucket names are 3-63 lowercase letters, digits, dots and hyphens');
  }
  return { bucket, key, ...(versionId ? { versionId } : {}) };
}

export function formatS3Uri(loc: { bucket: string; key: string }): string {
  return `s3://${loc.bucket}/${loc.key}`;
}

/** For commands that address one object: the key must name an object, not a prefix. */
export function requireObjectKey(loc: S3Location, input: string): S3Location {
  if (!loc.key || loc.key.endsWith('/')) {
    throw usage(`"${input}" names a prefix, not an object`, 'add the object key, e.g. s3://bucket/path/file.json');
  }
  return loc;
}

/** Keys under a prefix, relative to it, for directory transfers. */
export function relativeKey(prefix: string, key: string): string {
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

/** A prefix given for a directory transfer or listing ends with "/" unless empty. */
export function asDirectoryPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}

const VERSION_SUFFIX = '?versionId=';

/** `key?versionId=V` → key and V (the last such suffix; V may be percent-encoded). */
function splitVersion(raw: string, input: string): { key: string; versionId?: string } {
  const q = raw.lastIndexOf(VERSION_SUFFIX);
  if (q === -1) return { key: raw };
  const encoded = raw.slice(q + VERSION_SUFFIX.length);
  if (!encoded) throw usage(`empty versionId in "${input}"`, 'write key?versionId=<id> (ids: blob versions KEY), or pass --literal-key if the key really ends in "?versionId="');
  let versionId: string;
  try {
    versionId = decodeURIComponent(encoded);
  } catch {
    throw usage(`malformed versionId "${encoded}" in "${input}"`, 'percent-encode it, or pass --literal-key if "?versionId=" is part of the key');
  }
  return { key: raw.slice(0, q), versionId };
}

/**
 * The version a command addresses: `--version-id` and a `?versionId=` suffix must agree, so a
 * script never silently gets a different version than one of the two it wrote.
 */
export function chooseVersion(fromInput: string | undefined, fromFlag: string | undefined, input: string): string | undefined {
  if (fromFlag === '') throw usage('empty --version-id', 'list version ids with blob versions KEY');
  if (fromInput && fromFlag && fromInput !== fromFlag) {
    throw usage(`"${input}" names version ${fromInput} but --version-id says ${fromFlag}`, 'give the version once, or pass --literal-key if "?versionId=" is part of the key');
  }
  return fromFlag ?? fromInput;
}

/**
 * For operands a version cannot apply to (a write destination, a prefix, a key's whole history):
 * a `?versionId=` there is refused rather than silently dropped.
 */
export function refuseVersion<L extends { versionId?: string }>(loc: L, input: string, role: string): L {
  if (loc.versionId) throw usage(`"${input}" names a version, but ${role} cannot be a version`, 'drop ?versionId= (or --version-id), or pass --literal-key if it is part of the key');
  return loc;
}

function usage(message: string, hint: string): CliError {
  return new CliError(message, EXIT.USAGE, hint);
}

import { CliError, EXIT } from '../shared/cli-errors';

/** Validation of blob's option values, so bad input fails before any request is made. */

const METADATA_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
  'OUTPOSTS',
  'SNOW',
  'EXPRESS_ONEZONE',
] as const;
export type StorageClassName = (typeof STORAGE_CLASSES)[number];

function usage(message: string, hint: string): CliError {
  return new CliError(message, EXIT.USAGE, hint);
}

export function parseMetadata(pairs: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq).trim();
    if (eq === -1 || !key) throw usage(`invalid --metadata "${pair}"`, 'write it as key=value, e.g. --metadata agent=claude-code');
    if (!METADATA_KEY.test(key)) throw usage(`invalid metadata key "${key}"`, 'use letters, digits, ".", "_" and "-" (S3 sends metadata as HTTP headers)');
    const value = pair.slice(eq + 1);
    if (!PRINTABLE_ASCII.test(value)) throw usage(`metadata value for "${key}" is not printable ASCII`, 'encode it (e.g. base64 or URL-encoding) before storing');
    out[key.toLowerCase()] = value;
  }
  if (Buffer.byteLength(Object.entries(out).map(([k, v]) => k + v).join('')) > 2048) {
    throw usage('user metadata exceeds S3\'s 2 KB limit', 'store large attributes in the object itself or in kvstore');
  }
  return out;
}

export function parseTags(input: string | undefined): Record<string, string> {
  if (input === undefined) return {};
  const out: Record<string, string> = {};
  for (const pair of input.split(',')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq).trim();
    if (!key) throw usage(`invalid --tags "${input}"`, 'write tags as key=value pairs separated by commas, e.g. --tags project=api,phase=discovery');
    const value = pair.slice(eq + 1).trim();
    if (key.length > 128 || value.length > 256 || !TAG_TEXT.test(key) || !TAG_TEXT.test(value)) {
      throw usage(`invalid tag "${pair}"`, 'tag keys ≤128 and values ≤256 characters of letters, digits, spaces and + - = . _ : / @');
    }
    if (key in out) throw usage(`duplicate tag key "${key}"`, 'give each tag key once');
    out[key] = value;
  }
  if (Object.keys(out).length > 10) throw usage(`${Object.keys(out).length} tags given`, 'S3 allows at most 10 tags per object');
  return out;
}

export function encodeTagging(tags: Record<string, string>): string | undefined {
  const entries = Object.entries(tags);
  return entries.length ? new URLSearchParams(entries).toString() : undefined;
}

export function parseStorageClass(input: string | undefined): StorageClassName | undefined {
  if (input === undefined) return undefined;
  const up = input.toUpperCase();
  if (!(STORAGE_CLASSES as readonly string[]).includes(up)) {
    throw usage(`unknown storage class "${input}"`, `use one of ${STORAGE_CLASSES.join(', ')}`);
  }
  return up as StorageClassName;
}

export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

/** The last N bytes (`--range -N`, as HTTP and curl write it): the start is unknown until S3 answers. */
export interface SuffixRange {
  readonly suffix: number;
}

/** `get`'s --range: start-end (inclusive), start- (to the end) or -N (the last N bytes). */
export function parseGetRange(input: string | undefined): ByteRange | SuffixRange | undefined {
  const suffix = input === undefined ? null : /^-(\d+)$/.exec(input.trim());
  if (!suffix) return parseRange(input);
  const n = Number(suffix[1]);
  if (!Number.isSafeInteger(n) || n < 1) throw usage(`invalid --range "${input}": a suffix range needs at least 1 byte`, 'give -N with N ≥ 1, e.g. --range -1024 for the last KiB');
  return { suffix: n };
}

export function parseRange(input: string | undefined): ByteRange | undefined {
  if (input === undefined) return undefined;
  const m = /^(\d+)-(\d*)$/.exec(input.trim());
  if (!m) throw usage(`invalid --range "${input}"`, 'give inclusive byte offsets as start-end or start- (get also takes -N, the last N bytes), e.g. --range 0-1048575');
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : undefined;
  if (end !== undefined && end < start) throw usage(`invalid --range "${input}": end is before start`, 'give start-end with start ≤ end');
  if (!Number.isSafeInteger(start) || (end !== undefined && !Number.isSafeInteger(end))) throw usage(`invalid --range "${input}"`, 'offsets must be integers');
  return end === undefined ? { start } : { start, end };
}

export function parseConcurrency(input: string | undefined, fallback: number): number {
  if (input === undefined) return fallback;
  const n = Number(input);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw usage(`invalid --concurrency "${input}"`, 'give an integer from 1 to 256');
  return n;
}

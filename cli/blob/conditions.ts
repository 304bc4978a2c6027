import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../shared/cli-errors';
import { stripQuotes } from './transfer/hash';

/**
 * S3 conditional writes (If-None-Match: * to create only, If-Match: ETAG to compare-and-swap) for
 * put, copy and delete. A lost condition exits 6 (CONFLICT) naming the object's ETag now, so a
 * read-modify-write loop can retry from it without another `blob head`.
 */
export interface ConditionFlags {
  ifMatch?: string;
  ifNoneMatch?: string;
}

/** The request headers, as the SDK names them; empty when no condition was given. */
export interface WriteConditions {
  readonly IfMatch?: string;
  readonly IfNoneMatch?: string;
}

export function parseConditions(flags: ConditionFlags, allowNoneMatch = true): WriteConditions {
  const { ifMatch, ifNoneMatch } = flags;
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new CliError('--if-match and --if-none-match together', EXIT.USAGE, 'use --if-none-match \'*\' to create, --if-match ETAG to replace');
  }
  if (ifNoneMatch !== undefined) {
    if (!allowNoneMatch) throw new CliError('--if-none-match is not supported here', EXIT.USAGE, 'S3 offers only If-Match on delete');
    // S3 implements only the "*" form on writes (any other value answers 501 NotImplemented).
    if (ifNoneMatch !== '*') throw new CliError(`--if-none-match "${ifNoneMatch}"`, EXIT.USAGE, 'S3 accepts only \'*\' (create only if absent); quote it in the shell');
    return { IfNoneMatch: '*' };
  }
  if (ifMatch !== undefined) {
    const etag = stripQuotes(ifMatch.trim());
    if (!etag) throw new CliError('empty --if-match', EXIT.USAGE, 'pass the ETag printed by blob head/put');
    // Quoted, as HTTP entity tags are; S3 compares either form.
    return { IfMatch: etag === '*' ? '*' : `"${etag}"` };
  }
  return {};
}

export function hasConditions(c: WriteConditions): boolean {
  return c.IfMatch !== undefined || c.IfNoneMatch !== undefined;
}

interface StatusError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** 412 PreconditionFailed, 409 ConditionalRequestConflict, or If-Match on a missing object (404). */
export function isConditionFailure(err: unknown, c: WriteConditions): boolean {
  if (!hasConditions(c)) return false;
  const e = (err ?? {}) as StatusError;
  const status = e.$metadata?.httpStatusCode;
  const code = e.Code ?? e.name;
  if (status === 412 || code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || status === 409) return true;
  return c.IfMatch !== undefined && (code === 'NoSuchKey' || code === 'NotFound' || status === 404);
}

/**
 * The CONFLICT error for a lost condition, with the object's current ETag (read after the
 * failure; another writer may change it again before the caller retries, which a CAS loop expects).
 */
export async function conditionError(s3: S3Client, loc: { bucket: string; key: string }, what: string, c: WriteConditions, err: unknown): Promise<CliError> {
  const e = (err ?? {}) as StatusError;
  const raced = (e.Code ?? e.name) === 'ConditionalRequestConflict' || e.$metadata?.httpStatusCode === 409;
  const current = await s3
    .send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }))
    .then((h) => stripQuotes(h.ETag) || null)
    .catch(() => null);
  const wanted = c.IfNoneMatch ? 'If-None-Match: * (create only)' : `If-Match: ${stripQuotes(c.IfMatch)}`;
  const now = current ? `current ETag ${current}` : 'the object does not exist';
  const why = raced ? 'a concurrent write to the key raced this one' : 'precondition failed';
  return new CliError(`${what}: ${why} (${wanted}); ${now}`, EXIT.CONFLICT, current ? `retry with --if-match ${current}` : 'retry with --if-none-match \'*\'');
}

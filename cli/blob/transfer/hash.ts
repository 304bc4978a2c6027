import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Streaming digests of local files for "already identical?" checks. */
export async function fileDigest(path: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An S3 ETag is the MD5 of the content only for single-part, non-KMS uploads (no "-N" suffix). */
export function etagIsMd5(etag: string | undefined): boolean {
  return !!etag && /^"?[0-9a-f]{32}"?$/i.test(etag);
}

export function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}

/** User metadata key under which multipart uploads carry the content's SHA-256. */
export const SHA256_METADATA_KEY = 'sha256';

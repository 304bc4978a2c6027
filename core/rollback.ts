import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as z from 'zod';
import { KvStore } from './kvstore';

/**
 * The rollback reference of scenario 3: the artifacts-deploy handler stores one per deployed
 * version, and tools/rollback-link.ts (and the demo) mint a download link from it on demand, so the
 * link is always fresh (SigV4 links live 7 days at most; the reference lives as long as the version).
 */
export const rollbackKey = (version: string): string => `deployment/rollback-${version}`;

/** What `deployment/rollback-<version>` holds: enough to mint a fresh link at any time. */
export const rollbackRefSchema = z.object({
  bucket: z.string().min(3),
  key: z.string().min(1),
  versionId: z.string().min(1),
  version: z.string().min(1),
  commit: z.string().min(1),
  deployedAt: z.string(),
});
export type RollbackRef = z.infer<typeof rollbackRefSchema>;

/** SigV4 presigned URLs are valid for at most 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * No usable reference for a version. `reason` lets each caller say what to do in its own terms
 * (the CLI turns it into an exit code and a hint).
 */
export class RollbackReferenceError extends Error {
  constructor(
    readonly version: string,
    readonly reason: 'missing' | 'malformed',
  ) {
    super(reason === 'missing' ? `no rollback reference for version "${version}"` : `${rollbackKey(version)} is not a rollback reference {bucket, key, versionId}`);
    this.name = 'RollbackReferenceError';
  }
}

export async function rollbackReference(kv: KvStore, version: string): Promise<RollbackRef> {
  const item = await kv.get(rollbackKey(version));
  if (!item) throw new RollbackReferenceError(version, 'missing');
  const parsed = rollbackRefSchema.safeParse(item.value);
  if (!parsed.success) throw new RollbackReferenceError(version, 'malformed');
  return parsed.data;
}

export async function presignRollback(s3: S3Client, ref: RollbackRef, expiresInSeconds: number): Promise<string> {
  // S3 would sign a longer link, but it would stop working after 7 days without saying why.
  if (expiresInSeconds > MAX_PRESIGN_SECONDS) throw new RangeError(`a presigned URL lives at most ${MAX_PRESIGN_SECONDS}s, asked for ${expiresInSeconds}s`);
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }), { expiresIn: expiresInSeconds });
}

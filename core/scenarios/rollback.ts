import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CliError, EXIT } from '../../cli/shared/cli-errors';
import { KvStore } from '../kvstore';
import { MAX_PRESIGN_SECONDS, RollbackRef, rollbackKey, rollbackRefSchema } from './artifacts';

/**
 * Mints a download link for a deployed version on demand from its stored reference, so the link
 * is always fresh (SigV4 links live 7 days at most; the reference lives as long as the version).
 */
export async function rollbackReference(kv: KvStore, version: string): Promise<RollbackRef> {
  const item = await kv.get(rollbackKey(version));
  if (!item) {
    throw new CliError(`no rollback reference for version "${version}"`, EXIT.NOT_FOUND, `list deployed versions with: kvstore list deployment/rollback-`);
  }
  const parsed = rollbackRefSchema.safeParse(item.value);
  if (!parsed.success) {
    throw new CliError(`${rollbackKey(version)} is not a rollback reference {bucket, key, versionId}`, EXIT.CONFLICT, 'it was overwritten by hand; redeploy the artifact to record it again');
  }
  return parsed.data;
}

export function assertPresignLifetime(expiresInSeconds: number): void {
  if (expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new CliError(`--expires of ${expiresInSeconds}s is longer than 7 days`, EXIT.USAGE, 'SigV4 presigned URLs are valid for at most 7 days; mint a new link when it lapses');
  }
}

export async function presignRollback(s3: S3Client, ref: RollbackRef, expiresInSeconds: number): Promise<string> {
  assertPresignLifetime(expiresInSeconds);
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }), { expiresIn: expiresInSeconds });
}

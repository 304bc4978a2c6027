import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CliError, EXIT } from '../../shared/cli-errors';
import { parseDuration } from '../../shared/duration';
import { printLine } from '../../shared/output';
import { BlobContext } from '../context';

/** SigV4 presigned URLs are valid for at most 7 days (604,800 s); S3 rejects longer ones. */
export const MAX_PRESIGN_SECONDS = 7 * 86_400;

export function presignExpiry(input: string | undefined): number {
  const seconds = parseDuration(input ?? '3600', '--expires');
  if (seconds > MAX_PRESIGN_SECONDS) {
    throw new CliError(
      `--expires ${input} is longer than 7 days`,
      EXIT.USAGE,
      'SigV4 presigned URLs are valid for at most 7 days (604800 s); use --expires 7d or less and presign again when it lapses',
    );
  }
  return seconds;
}

export interface PresignFlags {
  method?: string;
  expires?: string;
  contentType?: string;
  versionId?: string;
}

export async function presign(ctx: BlobContext, key: string, flags: PresignFlags): Promise<void> {
  // The URL alone on stdout, so `url=$(blob presign ...)` works.
  await printLine(await presignUrl(ctx, key, flags));
}

export async function presignUrl(ctx: BlobContext, key: string, flags: PresignFlags): Promise<string> {
  const method = (flags.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'PUT') throw new CliError(`unsupported --method "${flags.method}"`, EXIT.USAGE, 'use GET (download link) or PUT (upload link)');
  const expiresIn = presignExpiry(flags.expires);
  const loc = await ctx.object(key, flags.versionId);
  if (method === 'PUT' && loc.versionId) throw new CliError('a PUT link cannot target a version', EXIT.USAGE, 'drop --version-id / ?versionId=');
  const s3 = await ctx.s3();
  const command =
    method === 'GET'
      ? new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...(loc.versionId ? { VersionId: loc.versionId } : {}) })
      : new PutObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...(flags.contentType ? { ContentType: flags.contentType } : {}) });
  return getSignedUrl(s3, command, { expiresIn });
}

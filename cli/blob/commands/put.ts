import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { lookup } from 'mime-types';
import { CliError, EXIT } from '../../shared/cli-errors';
import { uploadFile, uploadStream, UploadTarget } from '../transfer/upload';
import { printJson } from '../../shared/output';
import { createProgress, Progress } from '../../shared/progress';
import { encodeTagging, parseConcurrency, parseMetadata, parseStorageClass, parseTags } from '../args';
import { BlobContext, uri } from '../context';
import { ConditionFlags, conditionError, isConditionFailure, parseConditions } from '../conditions';

export interface PutFlags extends ConditionFlags {
  metadata?: string[];
  tags?: string;
  storageClass?: string;
  contentType?: string;
  concurrency?: string;
}

/** Validates the flags shared by put and put-dir into an upload target template. */
export function uploadSettings(flags: PutFlags): Omit<UploadTarget, 'bucket' | 'key'> {
  const metadata = parseMetadata(flags.metadata);
  const tagging = encodeTagging(parseTags(flags.tags));
  const storageClass = parseStorageClass(flags.storageClass);
  return {
    ...(Object.keys(metadata).length ? { metadata } : {}),
    ...(tagging ? { tagging } : {}),
    ...(storageClass ? { storageClass } : {}),
    ...(flags.contentType ? { contentType: flags.contentType } : {}),
  };
}

export function guessContentType(name: string): string | undefined {
  return lookup(name) || undefined;
}

export interface PutResult {
  uri: string;
  bucket: string;
  key: string;
  size: number;
  etag: string | undefined;
  version_id: string | null;
  parts: number;
  content_type: string | undefined;
}

export async function put(ctx: BlobContext, src: string, dst: string, flags: PutFlags): Promise<void> {
  await printJson(await putObject(ctx, src, dst, flags, (size) => createProgress('put', size, ctx.quiet)));
}

/**
 * Uploads SRC (a local path, "-" for stdin, or a stream such as blob mcp's decoded content) to DST.
 * `progressFor` gets the size when it is known up front.
 */
export async function putObject(
  ctx: BlobContext,
  src: string | Readable,
  dst: string,
  flags: PutFlags,
  progressFor: (size: number | undefined) => Progress = (size) => createProgress('put', size, true),
): Promise<PutResult> {
  const settings = uploadSettings(flags);
  const concurrency = parseConcurrency(flags.concurrency, 8);
  const conditions = parseConditions(flags);
  const loc = await ctx.object(dst);
  if (loc.versionId) throw new CliError('a put destination cannot carry ?versionId=', EXIT.USAGE, 'S3 assigns the version id; drop it');
  let size: number | undefined;
  // Pipes and devices (`blob put <(cmd) …`, /dev/stdin) have no size: they stream like `-`.
  let input: NodeJS.ReadableStream | undefined = typeof src !== 'string' ? src : src === '-' ? process.stdin : undefined;
  if (typeof src === 'string' && src !== '-') {
    const st = await stat(src);
    if (st.isDirectory()) throw new CliError(`${src} is a directory`, EXIT.USAGE, `use blob put-dir ${src} ${dst}`);
    if (st.isFile()) size = st.size;
    else input = createReadStream(src);
  }
  const target: UploadTarget = {
    ...settings,
    bucket: loc.bucket,
    key: loc.key,
    contentType: settings.contentType ?? guessContentType(typeof src !== 'string' || src === '-' ? loc.key : src) ?? 'application/octet-stream',
    conditions,
  };
  const s3 = await ctx.s3();
  const progress = progressFor(size);
  try {
    const result = await (
      input
        ? uploadStream(s3, input as Readable, target, { concurrency, onProgress: (n) => progress.add(n) })
        : uploadFile(s3, src as string, size ?? 0, target, { concurrency, onProgress: (n) => progress.add(n) })
      ).catch(async (err: unknown) => {
        throw isConditionFailure(err, conditions) ? await conditionError(s3, loc, `put ${uri(loc)}`, conditions, err) : err;
      });
    progress.stop();
    return {
      uri: uri(loc),
      bucket: loc.bucket,
      key: loc.key,
      size: result.size,
      etag: result.etag?.replace(/"/g, ''),
      version_id: result.versionId ?? null,
      parts: result.parts,
      content_type: target.contentType,
    };
  } finally {
    progress.stop();
  }
}

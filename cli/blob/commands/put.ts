import { createReadStream, fstatSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { lookup } from 'mime-types';
import { CliError, EXIT } from '../../shared/cli-errors';
import { uploadFile, uploadStream, UploadTarget } from '../transfer/upload';
import type { UploadInput } from '../transfer/stream-parts';
import { printJson } from '../../shared/output';
import { runInterruptible } from '../../shared/interrupt';
import { createProgress, Progress } from '../../shared/progress';
import { encodeTagging, parseConcurrency, parseMetadata, parseStorageClass, parseTags } from '../args';
import { BlobContext, uri } from '../context';
import { refuseVersion } from '../s3-uri';
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
  const result = await runInterruptible({
    work: (interrupt) => putObject(ctx, src, dst, flags, (size) => createProgress('put', size, ctx.quiet), interrupt.signal),
    // Nothing is visible until PutObject/CompleteMultipartUpload succeeds, and a multipart upload is aborted.
    describe: () => `upload of ${dst} aborted; the object was not changed (a previous version is intact)`,
    completed: (r) => `${r.uri} was completely uploaded (version ${r.version_id ?? 'null'})`,
  });
  await printJson(result);
}

/** stdin: read by fd straight into the part buffers when it is a pipe, socket or file; a terminal as a stream. */
function stdinInput(): UploadInput {
  try {
    const st = fstatSync(0);
    if (st.isFIFO() || st.isSocket() || st.isFile()) return { fd: 0, fallback: () => process.stdin };
  } catch {
    // no usable fd 0: the stream reports the problem
  }
  return process.stdin;
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
  signal?: AbortSignal,
): Promise<PutResult> {
  const settings = uploadSettings(flags);
  const concurrency = parseConcurrency(flags.concurrency, 8);
  const conditions = parseConditions(flags);
  const loc = refuseVersion(await ctx.object(dst), dst, 'an upload destination');
  if (loc.versionId) throw new CliError('a put destination cannot carry ?versionId=', EXIT.USAGE, 'S3 assigns the version id; drop it');
  let size: number | undefined;
  // Pipes and devices (`blob put <(cmd) …`, /dev/stdin) have no size: they stream like `-`.
  let input: UploadInput | undefined = typeof src !== 'string' ? src : src === '-' ? stdinInput() : undefined;
  if (typeof src === 'string' && src !== '-') {
    const st = await stat(src);
    if (st.isDirectory()) throw new CliError(`${src} is a directory`, EXIT.USAGE, `use blob put-dir ${src} ${dst}`);
    if (st.isFile()) {
      // Unreadable now rather than mid-request, where the error would surface from inside the SDK.
      await (await open(src, 'r')).close();
      size = st.size;
    } else input = createReadStream(src);
  }
  // Reading stdin or a FIFO cannot be cancelled by the request's signal: end the stream too.
  // (stdin read by fd is no stream: the part cutter races each read against the signal instead.)
  signal?.addEventListener('abort', () => (input && !('fd' in input) ? (input as Readable).destroy(signal.reason as Error) : undefined), { once: true });
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
        ? uploadStream(s3, input, target, { concurrency, onProgress: (n) => progress.add(n), ...(signal ? { signal } : {}) })
        : uploadFile(s3, src as string, size ?? 0, target, { concurrency, onProgress: (n) => progress.add(n), ...(signal ? { signal } : {}) })
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

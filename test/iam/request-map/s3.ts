/** Request mapping — S3: path-style object and bucket requests, odd keys in both encodings, DeleteObjects bodies. */
import { ACCOUNT, EU, expectChecks, K1, K2, US, via, type Req, type Expected } from './fixture';

/** The SDK v3's path encoding of a key (extendedEncodeURIComponent per segment). */
const sdkPath = (key: string) => key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
/** botocore's: quote(key, safe='/~'). */
const cliPath = (key: string) => [...Buffer.from(key, 'utf8')].map((b) => (/[A-Za-z0-9_.~/-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const s3Ctx = (bucket: string, region = EU) => ({ ...via('s3', region), 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}` });
const OBJ = (key: string, bucket = 'data') => `arn:aws:s3:::${bucket}/${key}`;
const BKT = (bucket = 'data') => `arn:aws:s3:::${bucket}`;

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

export function s3Suite(): void {
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
}

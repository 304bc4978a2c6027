import type { Json } from '../provision/intrinsics';
import type { ResolvedResource } from './policies';

/**
 * What request mapping needs to know about the provisioned resources beyond the request itself:
 * which KMS key encrypts a bucket, table or topic (S3, DynamoDB and SNS call KMS with the caller's
 * permissions), each table's partition key (for dynamodb:LeadingKeys), and key aliases.
 */
export interface ResourceDirectory {
  readonly accountId: string;
  bucketKey(bucket: string): string | undefined;
  bucketRegion(bucket: string): string | undefined;
  table(region: string, name: string): { hashKey: string; kmsKeyArn?: string } | undefined;
  topicKey(topicArn: string): string | undefined;
  /** A KeyId as requests give it (key id, key ARN, alias name, alias ARN) → key ARN. */
  keyArn(region: string, keyId: string): string | undefined;
}

function get(o: Json | undefined, ...path: Array<string | number>): Json | undefined {
  let v: Json | undefined = o;
  for (const p of path) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, Json>)[p];
  }
  return v;
}

export function buildDirectory(accountId: string, resources: readonly ResolvedResource[]): ResourceDirectory {
  const keys = new Map<string, string>(); // `${region}|${id or alias}` → key ARN
  const buckets = new Map<string, { region: string; keyRef?: string }>();
  const tables = new Map<string, { hashKey: string; keyRef?: string }>();
  const topics = new Map<string, string>();
  const regionOf = new Map<string, string>();

  for (const r of resources) {
    if (r.type === 'AWS::KMS::Key' && r.arn) {
      keys.set(`${r.region}|${r.ref}`, r.arn);
      keys.set(`${r.region}|${r.arn}`, r.arn);
    }
  }
  for (const r of resources) {
    if (r.type === 'AWS::KMS::Alias') {
      const target = String(r.props.TargetKeyId ?? '');
      const arn = keys.get(`${r.region}|${target}`) ?? keys.get(`${r.region}|${target.split('/').pop()}`);
      const alias = String(r.props.AliasName);
      if (arn) {
        keys.set(`${r.region}|${alias}`, arn);
        keys.set(`${r.region}|arn:aws:kms:${r.region}:${accountId}:${alias}`, arn);
      }
    }
  }
  const resolveKey = (region: string, id: string | undefined) => {
    if (!id) return undefined;
    const inRegion = id.startsWith('arn:aws:kms:') ? (id.split(':')[3] as string) : region;
    return keys.get(`${inRegion}|${id}`) ?? keys.get(`${inRegion}|${id.split('/').pop()}`) ?? keys.get(`${inRegion}|alias/${id.split('alias/').pop()}`);
  };
  for (const r of resources) {
    if (r.type === 'AWS::S3::Bucket') {
      const sse = get(r.props.BucketEncryption, 'ServerSideEncryptionConfiguration', 0, 'ServerSideEncryptionByDefault');
      const keyRef = get(sse, 'SSEAlgorithm') === 'aws:kms' ? String(get(sse, 'KMSMasterKeyID') ?? 'aws/s3') : undefined;
      buckets.set(r.ref, { region: r.region, keyRef });
    } else if (r.type === 'AWS::DynamoDB::Table') {
      const hash = (r.props.KeySchema as Array<{ AttributeName: string; KeyType: string }> | undefined)?.find((k) => k.KeyType === 'HASH');
      const sse = r.props.SSESpecification as { SSEEnabled?: boolean; SSEType?: string; KMSMasterKeyId?: string } | undefined;
      tables.set(`${r.region}|${r.ref}`, { hashKey: hash?.AttributeName ?? '', keyRef: sse?.SSEEnabled && sse.KMSMasterKeyId ? sse.KMSMasterKeyId : undefined });
      regionOf.set(r.ref, r.region);
    } else if (r.type === 'AWS::SNS::Topic' && typeof r.props.KmsMasterKeyId === 'string') {
      topics.set(r.ref, r.props.KmsMasterKeyId);
      regionOf.set(r.ref, r.region);
    }
  }
  return {
    accountId,
    bucketKey: (bucket) => {
      const b = buckets.get(bucket);
      return b ? resolveKey(b.region, b.keyRef) : undefined;
    },
    bucketRegion: (bucket) => buckets.get(bucket)?.region,
    table: (region, name) => {
      const t = tables.get(`${region}|${name}`);
      return t ? { hashKey: t.hashKey, kmsKeyArn: resolveKey(region, t.keyRef) } : undefined;
    },
    topicKey: (topicArn) => resolveKey(topicArn.split(':')[3] as string, topics.get(topicArn)),
    keyArn: (region, keyId) => resolveKey(region, keyId),
  };
}

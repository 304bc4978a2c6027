import { GetObjectCommand, GetObjectTaggingCommand, PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { ClientPool } from '../emulator/clients';
import type { LocalBucket } from '../provision';
import type { ReplicationRule } from '../provision/resources/s3';

export type ReplicationStatus = 'COMPLETED' | 'FAILED';

export interface ReplicationRecord {
  readonly sourceBucket: string;
  readonly key: string;
  readonly sourceVersionId?: string;
  readonly destinationBucket: string;
  readonly replicaVersionId?: string;
  readonly status: ReplicationStatus;
  readonly error?: string;
}

interface S3Envelope {
  'detail-type': string;
  detail: { bucket: { name: string }; object: { key: string; 'version-id'?: string }; 'deletion-type'?: string };
}

/** The highest-priority enabled rule whose prefix matches, as S3 picks one rule per object. */
export function matchingRule(rules: ReplicationRule[], key: string): ReplicationRule | undefined {
  return [...rules].sort((a, b) => b.priority - a.priority).find((r) => key.startsWith(r.prefix));
}

/**
 * What S3 replication does and moto does not: copies each new object version under a rule's prefix
 * to the destination bucket (streamed; metadata, content headers, tags and encryption carried over)
 * with a PutObject there, so the destination bucket emits its own EventBridge event and rules in the
 * replica region fire. Delete markers are replicated only when the rule enables it.
 */
export class Replicator {
  readonly records: ReplicationRecord[] = [];

  constructor(
    private readonly clients: ClientPool,
    private readonly buckets: LocalBucket[],
  ) {}

  private regionOf(bucket: string, fallback: string): string {
    return this.buckets.find((b) => b.name === bucket)?.region ?? fallback;
  }

  async replicate(source: LocalBucket, envelope: S3Envelope): Promise<void> {
    const key = envelope.detail.object.key;
    const rule = matchingRule(source.replication, key);
    if (!rule) return;
    const versionId = envelope.detail.object['version-id'];
    const destRegion = this.regionOf(rule.destinationBucket, source.region);
    const src = this.clients.get(source.region).s3;
    const dst = this.clients.get(destRegion).s3;
    const base = { sourceBucket: source.name, key, sourceVersionId: versionId, destinationBucket: rule.destinationBucket };
    try {
      if (envelope['detail-type'] === 'Object Deleted') {
        if (!rule.deleteMarkerReplication || envelope.detail['deletion-type'] !== 'Delete Marker Created') return;
        const res = await dst.send(new DeleteObjectCommand({ Bucket: rule.destinationBucket, Key: key }));
        this.records.push({ ...base, replicaVersionId: res.VersionId, status: 'COMPLETED' });
        return;
      }
      const obj = await src.send(new GetObjectCommand({ Bucket: source.name, Key: key, VersionId: versionId }));
      const tags = await src.send(new GetObjectTaggingCommand({ Bucket: source.name, Key: key, VersionId: versionId }));
      const tagging = (tags.TagSet ?? []).map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`).join('&');
      const input: PutObjectCommandInput = {
        Bucket: rule.destinationBucket,
        Key: key,
        Body: obj.Body as Readable,
        ContentLength: obj.ContentLength,
        ContentType: obj.ContentType,
        ContentEncoding: obj.ContentEncoding,
        ContentDisposition: obj.ContentDisposition,
        ContentLanguage: obj.ContentLanguage,
        CacheControl: obj.CacheControl,
        Expires: obj.Expires,
        Metadata: obj.Metadata,
        Tagging: tagging || undefined,
        StorageClass: rule.storageClass as PutObjectCommandInput['StorageClass'],
        ...(rule.destinationKmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: rule.destinationKmsKeyId } : {}),
      };
      const put = await dst.send(new PutObjectCommand(input));
      this.records.push({ ...base, replicaVersionId: put.VersionId, status: 'COMPLETED' });
    } catch (err) {
      const name = (err as Error).name;
      // The version is gone (deleted before replication ran): nothing left to replicate.
      if (name === 'NoSuchVersion' || name === 'NoSuchKey') return;
      this.records.push({ ...base, status: 'FAILED', error: (err as Error).message });
      throw err;
    }
  }
}

import * as z from 'zod';

/**
 * The EventBridge envelope S3 sends ("Amazon S3 Event Notifications with EventBridge"). Handlers
 * parse with these schemas at the edge so a malformed event fails loudly, with the reason, instead
 * of as an undefined-property crash deep inside.
 */
export const S3_DETAIL_TYPES = [
  'Object Created',
  'Object Deleted',
  'Object Restore Initiated',
  'Object Restore Completed',
  'Object Restore Expired',
  'Object Tags Added',
  'Object Tags Deleted',
  'Object Storage Class Changed',
  'Object ACL Updated',
  'Object Access Tier Changed',
] as const;

const objectSchema = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  etag: z.string().optional(),
  // moto spells it eTag; AWS spells it etag. Both are accepted and normalised in objectIdentity.
  eTag: z.string().optional(),
  'version-id': z.string().optional(),
  sequencer: z.string().optional(),
});

export const s3EventDetailSchema = z.object({
  version: z.string().optional(),
  bucket: z.object({ name: z.string().min(3) }),
  object: objectSchema,
  'request-id': z.string().optional(),
  requester: z.string().optional(),
  'source-ip-address': z.string().optional(),
  reason: z.string().optional(),
  'deletion-type': z.string().optional(),
  'source-storage-class': z.string().optional(),
  'restore-expiry-time': z.string().optional(),
});

export const s3EventSchema = z.object({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.literal('aws.s3'),
  account: z.string().optional(),
  // AWS sends an ISO-8601 string; moto sends epoch seconds. Normalised to ISO so records sort as text.
  time: z.union([z.string().min(1), z.number()]).transform((t) => (typeof t === 'number' ? new Date(t * 1000).toISOString() : t)),
  region: z.string(),
  resources: z.array(z.string()).optional(),
  detail: s3EventDetailSchema,
});

export type S3Event = z.infer<typeof s3EventSchema>;

export class MalformedEventError extends Error {
  constructor(reason: string) {
    super(`malformed S3 event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

export function parseS3Event(input: unknown): S3Event {
  const parsed = s3EventSchema.safeParse(input);
  if (!parsed.success) {
    throw new MalformedEventError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** What identifies one object write for idempotency: bucket, key and version (or sequencer). */
export interface ObjectIdentity {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly sequencer?: string;
  readonly size?: number;
  readonly etag?: string;
}

export function objectIdentity(event: S3Event): ObjectIdentity {
  const o = event.detail.object;
  return {
    bucket: event.detail.bucket.name,
    // Unlike classic S3 notifications, EventBridge carries the key as-is (not URL-encoded).
    key: o.key,
    versionId: o['version-id'],
    sequencer: o.sequencer,
    size: o.size,
    etag: o.etag ?? o.eTag,
  };
}

/** A stable string for idempotency keys and deduplicating records. */
export function identityKey(id: ObjectIdentity): string {
  return `${id.bucket}/${id.key}#${id.versionId ?? id.sequencer ?? id.etag ?? ''}`;
}

/** S3 sequencers vary in length; AWS compares them after left-padding with zeros to equal length. */
export function paddedSequencer(sequencer: string | undefined): string {
  return (sequencer ?? '').toUpperCase().padStart(32, '0');
}

/**
 * A text that sorts events of one key in the order S3 produced them: event time, then sequencer
 * (which orders events within the same second), then version. Equal for a redelivered event.
 */
export function eventOrder(event: S3Event): string {
  return `${event.time}#${paddedSequencer(event.detail.object.sequencer)}#${event.detail.object['version-id'] ?? ''}`;
}

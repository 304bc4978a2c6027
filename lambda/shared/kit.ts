import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../core/aws-config';
import { RESOURCE_ENV } from '../../core/pipelines/descriptor';
import { OnceOutcome, publishOnce } from './exactly-once';
import { KvStore, KvValue } from '../../core/kvstore';
import { ObjectIdentity, S3Event, identityKey, objectIdentity, parseS3Event } from '../../core/s3-events';

/**
 * What every handler shares: logger, metrics (PascalCase names), SDK clients, configuration from
 * the environment, the idempotent S3-event skeleton, the one notification path, and reads pinned
 * to the exact object version an event names. Handlers contain only their own logic.
 */
export const logger = new Logger();
export const metrics = new Metrics();

/** The one metric naming style, PascalCase: metricName('codegen', 'invalid') is CodegenInvalid. */
export const metricName = (...parts: string[]): string => parts.map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}`).join('');

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`missing environment variable ${name}: the function's configuration is incomplete`);
  return v;
}

let s3: S3Client | undefined;
let ddb: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;
let sns: SNSClient | undefined;

export const clients = {
  get s3(): S3Client {
    return (s3 ??= new S3Client(clientConfig({}, 's3')));
  },
  get dynamodb(): DynamoDBClient {
    return (ddb ??= new DynamoDBClient(clientConfig({}, 'dynamodb')));
  },
  get doc(): DynamoDBDocumentClient {
    return (doc ??= DynamoDBDocumentClient.from(this.dynamodb, { marshallOptions: { removeUndefinedValues: true } }));
  },
  get sns(): SNSClient {
    return (sns ??= new SNSClient(clientConfig({}, 'sns')));
  },
};

let persistence: DynamoDBPersistenceLayer | undefined;
function persistenceStore(): DynamoDBPersistenceLayer {
  return (persistence ??= new DynamoDBPersistenceLayer({
    tableName: requireEnv(RESOURCE_ENV.idempotencyTable),
    awsSdkV3Client: clients.dynamodb,
  }));
}

export interface ObjectEventInput {
  readonly identity: ObjectIdentity;
  readonly event: S3Event;
}

export interface IdempotencyOptions<E> {
  /** How long a completed result is replayed to duplicates; default 7 days. */
  readonly expiresAfterSeconds?: number;
  /**
   * The idempotency key without the handler name. Object handlers default to bucket/key#version;
   * a handler that reacts to several event types of one version (the audit trail) adds the type.
   */
  readonly idempotencyKey?: (input: E) => string;
}

/**
 * Powertools idempotency around `process`, keyed on `${name}:${key}`. The Lambda context is
 * registered on every invocation, so the in-progress record expires with *this* invocation's
 * remaining time (a crashed invocation's retry is not locked out for the whole timeout), and a
 * concurrent duplicate fails with IdempotencyAlreadyInProgressError, which Lambda's async retry
 * resolves to the stored result. Side effects must still be exactly-once on their own (conditional
 * writes, see ./exactly-once/): Powertools deletes the in-progress record when `process` throws,
 * so a retry after a partial failure runs `process` again.
 */
export function idempotentHandler<E, R extends Record<string, unknown> | void>(
  name: string,
  parse: (raw: unknown) => E,
  keyOf: (input: E) => string,
  process: (input: E, context: Context) => Promise<R>,
  options: { expiresAfterSeconds?: number; annotate?: (input: E) => Record<string, string | undefined> } = {},
): (event: unknown, context: Context) => Promise<R> {
  let config: IdempotencyConfig | undefined;
  let idempotent: ((input: { idem: string; payload: E }, context: Context) => Promise<R>) | undefined;
  return async (raw: unknown, context: Context) => {
    const input = parse(raw);
    logger.appendKeys({ handler: name, ...(options.annotate?.(input) ?? {}) });
    if (context?.awsRequestId) logger.addContext(context);
    config ??= new IdempotencyConfig({
      eventKeyJmesPath: 'idem',
      expiresAfterSeconds: options.expiresAfterSeconds ?? 7 * 24 * 3600,
    });
    if (typeof context?.getRemainingTimeInMillis === 'function') config.registerLambdaContext(context);
    idempotent ??= makeIdempotent(async (payload: { idem: string; payload: E }, ctx: Context) => process(payload.payload, ctx), {
      persistenceStore: persistenceStore(),
      config,
      // The role may touch only records under this prefix (dynamodb:LeadingKeys, grantIdempotency).
      keyPrefix: requireEnv(RESOURCE_ENV.idempotencyKeyPrefix),
    });
    try {
      return await idempotent({ idem: `${name}:${keyOf(input)}`, payload: input }, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/**
 * Wraps per-object logic so that a duplicate delivery of the same object version (EventBridge and
 * Lambda both retry) returns the first result instead of running again. The idempotency key is the
 * bucket, key and version-id (or sequencer), not the event id, which differs between re-sends.
 */
export function objectEventHandler<R extends Record<string, unknown> | void>(
  name: string,
  process: (input: ObjectEventInput, context: Context) => Promise<R>,
  options: IdempotencyOptions<ObjectEventInput> = {},
): (event: unknown, context: Context) => Promise<R> {
  return idempotentHandler<ObjectEventInput, R>(
    name,
    (raw) => {
      const event = parseS3Event(raw);
      return { event, identity: objectIdentity(event) };
    },
    options.idempotencyKey ?? ((input) => identityKey(input.identity)),
    process,
    {
      expiresAfterSeconds: options.expiresAfterSeconds,
      annotate: ({ identity }) => ({ objectKey: identity.key, versionId: identity.versionId }),
    },
  );
}

/** The kvstore table of this region (KVSTORE_TABLE). */
let kv: KvStore | undefined;
export function kvstore(): KvStore {
  return (kv ??= new KvStore(clients.doc, requireEnv(RESOURCE_ENV.kvstore)));
}

/**
 * SNS refuses a subject that is not printable ASCII (no control characters, no line breaks, no
 * unicode) or is 100 characters or longer, and subjects name object keys, which may hold any of
 * these: such characters become `?` so the publish never fails on the key (the body keeps it exact).
 */
export function snsSubject(subject: string): string {
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?').trim().slice(0, 99).trim();
  return ascii || 'notification';
}

/** Publishes to the notification topic (TOPIC_ARN); `dedupId` lets consumers drop a repeat. */
export async function publish(message: Notification, dedupId?: string): Promise<string | undefined> {
  const res = await clients.sns.send(
    new PublishCommand({
      TopicArn: requireEnv(RESOURCE_ENV.topic),
      Subject: snsSubject(message.subject),
      Message: JSON.stringify(message.body),
      MessageAttributes: {
        event: { DataType: 'String', StringValue: message.event },
        ...(dedupId ? { dedupId: { DataType: 'String', StringValue: dedupId } } : {}),
      },
    }),
  );
  metrics.addMetric('NotificationsPublished', MetricUnit.Count, 1);
  return res.MessageId;
}

/**
 * Publishes `message` once per `recordKey` (exactly-once publishOnce: claim, publish, mark; the
 * record key is the dedupId that closes its one crash window). `owner` is the event identity or
 * run id whose retry may take an unfinished record over at once; `record` is kept with the outcome.
 */
export function notifyOnce(
  recordKey: string,
  message: Notification,
  options: { owner: string; record?: { [k: string]: KvValue }; ttlSeconds?: number },
): Promise<OnceOutcome> {
  return publishOnce(kvstore(), recordKey, options, () => publish(message, recordKey));
}

export interface Notification {
  /** Machine-readable type, for example analysis.completed or analysis.failed. */
  readonly event: string;
  readonly subject: string;
  readonly body: Record<string, unknown>;
}

/** The object version an event names is gone (deleted before processing, or never existed). */
export class ObjectGoneError extends Error {
  constructor(id: ObjectIdentity, cause: string) {
    super(`s3://${id.bucket}/${id.key}${id.versionId ? ` (version ${id.versionId})` : ''} is gone: ${cause}`);
    this.name = 'ObjectGoneError';
  }
}

/**
 * The version is archived (GLACIER, DEEP_ARCHIVE): it cannot be read until restored. Not transient
 * on a retry's scale (a restore takes hours), so handlers record it as a failure with this reason.
 */
export class ObjectArchivedError extends Error {
  constructor(id: ObjectIdentity, storageClass: string | undefined) {
    super(`s3://${id.bucket}/${id.key} is archived${storageClass ? ` (${storageClass})` : ''} and cannot be read: restore it (blob restore KEY), then upload or redrive again`);
    this.name = 'ObjectArchivedError';
  }
}

/** Reads that retrying cannot fix: the version is gone or archived. Handlers record these, never throw them. */
export function isUnreadable(err: unknown): err is ObjectGoneError | ObjectArchivedError {
  return err instanceof ObjectGoneError || err instanceof ObjectArchivedError;
}

const pinned = (id: ObjectIdentity) => ({ Bucket: id.bucket, Key: id.key, ...(id.versionId ? { VersionId: id.versionId } : {}) });

/** A HEAD of a missing version fails with NotFound and the message "UnknownError": name the object instead. */
function gone(id: ObjectIdentity, err: unknown): unknown {
  const name = (err as Error).name;
  if (name === 'InvalidObjectState') return new ObjectArchivedError(id, (err as { StorageClass?: string }).StorageClass);
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion' ? new ObjectGoneError(id, name) : err;
}

/** Metadata of the exact version an event names (user metadata is not in the event). */
export async function headObject(id: ObjectIdentity): Promise<HeadObjectCommandOutput> {
  try {
    return await clients.s3.send(new HeadObjectCommand(pinned(id)));
  } catch (err) {
    throw gone(id, err);
  }
}

/**
 * Opens the exact version an event names as a stream (never buffered), optionally a byte `range`:
 * a later overwrite or a delete marker does not change what is processed for this event.
 */
export async function openObject(id: ObjectIdentity, range?: string): Promise<{ body: Readable; versionId?: string; contentLength?: number }> {
  try {
    const res = await clients.s3.send(new GetObjectCommand({ ...pinned(id), ...(range ? { Range: range } : {}) }));
    if (!res.Body) throw new ObjectGoneError(id, 'GetObject returned no body');
    return { body: res.Body as Readable, versionId: res.VersionId, contentLength: res.ContentLength };
  } catch (err) {
    throw gone(id, err);
  }
}

/** At most `max` bytes of a stream; the caller bounds the request too (a Range) so none are wasted. */
export async function readBounded(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const c = chunk as Buffer;
    chunks.push(c);
    total += c.length;
    if (total >= max) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, max);
}

export class ObjectTooLargeError extends Error {
  constructor(id: ObjectIdentity, limit: number) {
    super(`s3://${id.bucket}/${id.key} is larger than ${limit} bytes, the limit for a document parsed whole; split it into smaller documents`);
    this.name = 'ObjectTooLargeError';
  }
}

/**
 * Reads a document that must be parsed whole (JSON), refusing before or while streaming as soon
 * as it exceeds `maxBytes`, so memory never exceeds the limit.
 */
export async function readObjectText(id: ObjectIdentity, maxBytes: number): Promise<string> {
  if (id.size !== undefined && id.size > maxBytes) throw new ObjectTooLargeError(id, maxBytes);
  const { body, contentLength } = await openObject(id);
  if (contentLength !== undefined && contentLength > maxBytes) {
    body.destroy();
    throw new ObjectTooLargeError(id, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      throw new ObjectTooLargeError(id, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

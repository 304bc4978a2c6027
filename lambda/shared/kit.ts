import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../../core/aws-config';
import { ObjectIdentity, S3Event, identityKey, objectIdentity, parseS3Event } from '../../core/s3-events';

/**
 * What every handler shares: logger, metrics, SDK clients, configuration from the environment,
 * and the idempotent S3-event skeleton. Handlers contain only their own logic.
 */
export const logger = new Logger();
export const metrics = new Metrics();

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
    tableName: requireEnv('IDEMPOTENCY_TABLE'),
    awsSdkV3Client: clients.dynamodb,
  }));
}

export interface ObjectEventInput {
  readonly identity: ObjectIdentity;
  readonly event: S3Event;
}

/**
 * Wraps per-object logic so that a duplicate delivery of the same object version (EventBridge and
 * Lambda both retry) returns the first result instead of running again. The idempotency key is the
 * bucket, key and version-id (or sequencer), not the event id, which differs between re-sends.
 */
export function objectEventHandler<R extends Record<string, unknown> | void>(
  name: string,
  process: (input: ObjectEventInput, context: Context) => Promise<R>,
  options: { expiresAfterSeconds?: number } = {},
): (event: unknown, context: Context) => Promise<R> {
  let idempotent: ((input: { idem: string; payload: ObjectEventInput }, context: Context) => Promise<R>) | undefined;
  return async (raw: unknown, context: Context) => {
    const event = parseS3Event(raw);
    const identity = objectIdentity(event);
    logger.appendKeys({ handler: name, objectKey: identity.key, versionId: identity.versionId });
    idempotent ??= makeIdempotent(
      async (input: { idem: string; payload: ObjectEventInput }, ctx: Context) => process(input.payload, ctx),
      {
        persistenceStore: persistenceStore(),
        config: new IdempotencyConfig({
          eventKeyJmesPath: 'idem',
          expiresAfterSeconds: options.expiresAfterSeconds ?? 7 * 24 * 3600,
          lambdaContext: context,
        }),
      },
    );
    try {
      return await idempotent({ idem: `${name}:${identityKey(identity)}`, payload: { identity, event } }, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../core/aws-config';
import type { DemoContext } from './types';

/**
 * The one way demo flows, pattern checks and scenario checks reach the local stack: the context's
 * endpoint and credentials (the administrator's, or a session's when the context carries a token).
 */
function config(ctx: DemoContext, region: string) {
  return {
    ...clientConfig({ endpoint: ctx.endpoint, region }),
    credentials: {
      accessKeyId: ctx.awsEnv.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: ctx.awsEnv.AWS_SECRET_ACCESS_KEY ?? 'test',
      sessionToken: ctx.awsEnv.AWS_SESSION_TOKEN,
    },
  };
}

/** An S3 client for one region of the local stack a demo flow runs against. */
export function s3For(ctx: DemoContext, region: string = ctx.region): S3Client {
  return new S3Client(config(ctx, region));
}

/** S3 and the DynamoDB document client for one region. */
export function demoClients(ctx: DemoContext, region: string = ctx.region): { s3: S3Client; doc: DynamoDBDocumentClient } {
  const cfg = config(ctx, region);
  return { s3: new S3Client(cfg), doc: DynamoDBDocumentClient.from(new DynamoDBClient(cfg)) };
}

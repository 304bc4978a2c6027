import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import type { DemoContext } from './types';

/** An S3 client for one region of the local stack a demo flow runs against. */
export function s3For(ctx: DemoContext, region: string): S3Client {
  return new S3Client({
    ...clientConfig({ endpoint: ctx.endpoint, region }),
    credentials: { accessKeyId: ctx.awsEnv.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: ctx.awsEnv.AWS_SECRET_ACCESS_KEY ?? 'test' },
  });
}

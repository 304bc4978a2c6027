import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig } from '../../core/aws-config';

/** moto's default account; every ARN the local copy builds uses it. */
export const LOCAL_ACCOUNT_ID = '123456789012';
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** The variables that point SDK clients, CLIs and the AWS CLI at the local copy. */
export function localAwsEnv(endpoint: string, region: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
}

export interface RegionClients {
  readonly region: string;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly events: EventBridgeClient;
  readonly ssm: SSMClient;
  readonly kms: KMSClient;
}

/** SDK clients for one region of the emulator, created on first use and destroyed together. */
export class ClientPool {
  private readonly byRegion = new Map<string, RegionClients>();

  constructor(readonly endpoint: string) {}

  get(region: string): RegionClients {
    let c = this.byRegion.get(region);
    if (!c) {
      const cfg = { ...clientConfig({ endpoint: this.endpoint, region, maxAttempts: 3 }), credentials: LOCAL_CREDENTIALS };
      c = {
        region,
        s3: new S3Client(cfg),
        dynamodb: new DynamoDBClient(cfg),
        sqs: new SQSClient(cfg),
        sns: new SNSClient(cfg),
        events: new EventBridgeClient(cfg),
        ssm: new SSMClient(cfg),
        kms: new KMSClient(cfg),
      };
      this.byRegion.set(region, c);
    }
    return c;
  }

  destroy(): void {
    for (const c of this.byRegion.values()) {
      for (const client of [c.s3, c.dynamodb, c.sqs, c.sns, c.events, c.ssm, c.kms]) client.destroy();
    }
    this.byRegion.clear();
  }
}

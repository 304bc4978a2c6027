import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Key design shared with core/kvstore; defined in core so the CLI bundles stay free of aws-cdk-lib. */
export { KVSTORE_KEY } from '../../core/kvstore-key';

export interface EncryptedTableProps {
  readonly tableName: string;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly ttlAttribute: string;
}

/** On-demand, point-in-time-recoverable, CMK-encrypted DynamoDB table with a TTL attribute. */
export class EncryptedTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: EncryptedTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: props.sortKey ? { name: props.sortKey, type: dynamodb.AttributeType.STRING } : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: props.ttlAttribute,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
  }
}

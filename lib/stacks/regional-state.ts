import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvironmentConfig, resourceNames } from '../config';
import { EncryptedTable, KVSTORE_KEY } from '../constructs/kvstore-table';

/**
 * State every region with pipelines needs, created the same way by the primary and the replica
 * storage stacks. These are functions on the stack's own scope (not a construct) so the resources'
 * logical ids, and therefore deployed tables, do not change.
 */

/** CloudWatch alarms publish to the encrypted operations topic, so the key must let them. */
export function allowAlarmsToUseKey(key: kms.Key, account: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseKeyForSns',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  );
}

export function operationsTopic(scope: Construct, key: kms.IKey, config: EnvironmentConfig, where = ''): sns.Topic {
  return new sns.Topic(scope, 'Operations', {
    topicName: resourceNames(config.name).operationsTopic,
    displayName: `blob ${config.name} operations alarms${where}`,
    masterKey: key,
    enforceSSL: true,
  });
}

/** The kvstore table and the Powertools idempotency table of one region. */
export function kvstoreTables(
  scope: Construct,
  key: kms.IKey,
  config: EnvironmentConfig,
  removalPolicy: RemovalPolicy,
): { kvstoreTable: dynamodb.Table; idempotencyTable: dynamodb.Table } {
  const names = resourceNames(config.name);
  const kvstoreTable = new EncryptedTable(scope, 'Kvstore', {
    tableName: names.kvstoreTable,
    encryptionKey: key,
    removalPolicy,
    deletionProtection: config.deletionProtection,
    ...KVSTORE_KEY,
  }).table;
  // Idempotency records are disposable by design (they expire), so always destroyable.
  const idempotencyTable = new EncryptedTable(scope, 'Idempotency', {
    tableName: names.idempotencyTable,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    partitionKey: 'id',
    ttlAttribute: 'expiration',
  }).table;
  return { kvstoreTable, idempotencyTable };
}

import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
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

/**
 * The region's operations topic, which every alarm of the region notifies. Alarms publish as
 * cloudwatch.amazonaws.com: the topic policy CDK writes (TLS only) replaces SNS's default one, so
 * it must allow that service, and SNS encrypts with the customer-managed key on the publisher's
 * behalf, so the key policy must let the service use the key. Both grants are scoped to alarms of
 * this account and region (aws:SourceAccount, aws:SourceArn: no confused deputy), the key use also
 * to this topic (SNS passes the topic ARN as encryption context). Checked with the other
 * service-to-service edges in test/iam/service-edges.test.ts.
 */
export function operationsTopic(scope: Construct, key: kms.IKey, config: EnvironmentConfig, where = ''): sns.Topic {
  const stack = Stack.of(scope);
  const topicName = resourceNames(config.name).operationsTopic;
  const topic = new sns.Topic(scope, 'Operations', {
    topicName,
    displayName: `blob ${config.name} operations alarms${where}`,
    masterKey: key,
    enforceSSL: true,
  });
  const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const alarmsHere = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const fromAlarmsHere = { 'aws:SourceAccount': stack.account };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [cloudwatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: fromAlarmsHere, ArnLike: { 'aws:SourceArn': alarmsHere } },
    }),
  );
  // The topic's deterministic ARN, not topic.topicArn: the key policy referring to the topic that
  // refers to the key would be a circular dependency.
  const topicArn = stack.formatArn({ service: 'sns', resource: topicName, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  const added = key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseKeyForSns',
      principals: [cloudwatch],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { ...fromAlarmsHere, 'kms:EncryptionContext:aws:sns:topicArn': topicArn },
        ArnLike: { 'aws:SourceArn': alarmsHere },
      },
    }),
  );
  if (!added.statementAdded) throw new Error(`${topicName}: its key must be a key of this stack, whose policy can let alarms use it`);
  return topic;
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

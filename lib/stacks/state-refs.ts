import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { EnvironmentConfig, resourceNames } from '../config';
import { replicaBucketName, storageBucketName } from './names';

/** Which storage stack a pipelines stack works on: the primary one or the replica region's. */
export type StorageRegion = 'primary' | 'replica';

/** The stateful resources one pipelines stack uses, as references that never pin the storage stack. */
export interface StateRefs {
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  readonly kvstoreTable: dynamodb.ITable;
  readonly idempotencyTable: dynamodb.ITable;
  readonly auditTable?: dynamodb.ITable;
  readonly notificationTopic?: sns.ITopic;
  readonly operationsTopic: sns.ITopic;
}

/**
 * References to the storage stack of `storage`, built in the stateless stack itself: buckets,
 * tables and topics by their deterministic names (lib/config.ts `resourceNames`, ./names.ts), the
 * KMS key, whose ARN is not deterministic, from the SSM parameter the storage stack publishes
 * (a native `AWS::SSM::Parameter::Value<String>` template parameter, resolved at each deploy).
 *
 * Why not the constructs themselves: CDK turns a cross-stack construct reference into an Export and
 * an Fn::ImportValue, and CloudFormation then refuses any change that would replace an exported
 * resource (or even rename its export) while the pipelines stack imports it. Stateful stacks must
 * stay free to change; the explicit stack dependency in lib/app.ts keeps the deploy order.
 */
export function stateRefs(stack: Stack, config: EnvironmentConfig, storage: StorageRegion): StateRefs {
  const names = resourceNames(config.name);
  const table = (id: string, tableName: string) => dynamodb.Table.fromTableName(stack, id, tableName);
  const topic = (id: string, topicName: string) =>
    sns.Topic.fromTopicArn(stack, id, stack.formatArn({ service: 'sns', resource: topicName, arnFormat: ArnFormat.NO_RESOURCE_NAME }));
  const keyArn = ssm.StringParameter.valueForStringParameter(stack, storage === 'primary' ? names.parameters.dataKeyArn : names.parameters.replicaKeyArn);
  const common = {
    bucket: s3.Bucket.fromBucketName(stack, 'BucketRef', storage === 'primary' ? storageBucketName(config) : replicaBucketName(config)),
    encryptionKey: kms.Key.fromKeyArn(stack, 'KeyRef', keyArn),
    kvstoreTable: table('KvstoreTableRef', names.kvstoreTable),
    idempotencyTable: table('IdempotencyTableRef', names.idempotencyTable),
    operationsTopic: topic('OperationsTopicRef', names.operationsTopic),
  };
  if (storage === 'replica') return common;
  return {
    ...common,
    auditTable: table('AuditTableRef', names.auditTable),
    notificationTopic: topic('NotificationTopicRef', names.notificationTopic),
  };
}

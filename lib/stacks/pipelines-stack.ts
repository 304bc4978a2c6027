import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { EventFunction } from '../constructs/event-function';
import { PipelineContext, PipelineFunctionProps } from '../pipelines/context';

/** A pipeline module adds its rules and functions to a stateless stack. */
export type PipelineModule = (ctx: PipelineContext) => void;

export interface PipelinesStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly bucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  readonly kvstoreTable: dynamodb.ITable;
  readonly idempotencyTable: dynamodb.ITable;
  readonly auditTable?: dynamodb.ITable;
  readonly notificationTopic?: sns.ITopic;
  readonly operationsTopic: sns.ITopic;
  readonly modules: PipelineModule[];
}

/**
 * Stateless: functions, rules, queues and alarms only. It holds no data, so it can be destroyed
 * and redeployed at any time without touching the storage stacks.
 */
export class PipelinesStack extends Stack {
  readonly functions: EventFunction[] = [];

  constructor(scope: Construct, id: string, props: PipelinesStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common: Record<string, string> = {
      BLOB_ENV: config.name,
      BUCKET_NAME: props.bucket.bucketName,
      KVSTORE_TABLE: props.kvstoreTable.tableName,
      IDEMPOTENCY_TABLE: props.idempotencyTable.tableName,
      ...(props.auditTable ? { AUDIT_TABLE: props.auditTable.tableName } : {}),
      ...(props.notificationTopic ? { TOPIC_ARN: props.notificationTopic.topicArn } : {}),
    };
    const ctx: PipelineContext = {
      scope: this,
      config,
      bucket: props.bucket,
      encryptionKey: props.encryptionKey,
      kvstoreTable: props.kvstoreTable,
      idempotencyTable: props.idempotencyTable,
      auditTable: props.auditTable,
      notificationTopic: props.notificationTopic,
      operationsTopic: props.operationsTopic,
      functions: this.functions,
      eventFunction: (fid: string, fprops: PipelineFunctionProps) => {
        const fn = new EventFunction(this, fid, {
          ...fprops,
          environment: { ...common, ...fprops.environment },
          logRetentionDays: config.logRetentionDays,
          removalPolicy,
          alarmTopic: props.operationsTopic,
          dlqDepthThreshold: config.thresholds.dlqDepth,
          metricsNamespace: `blob-${config.name}`,
        });
        this.functions.push(fn);
        return fn;
      },
    };
    for (const addModule of props.modules) addModule(ctx);
  }
}

import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EnvironmentConfig, SEED_LIFECYCLE, SEED_REPLICATION, resourceNames } from '../config';
import { EncryptedTable } from '../constructs/kvstore-table';
import { LOGICAL_STORES, encodeStores } from '../../core/logical-stores';
import { TableBackup } from '../constructs/table-backup';
import { AgentAccess } from '../constructs/agent-access';
import { kvstoreTables, operationsTopic } from './regional-state';
import { AccessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import { REPLICATION_RULE_ID, accessLogsBucketName, replicaBucketName, replicationRoleName, storageBucketName } from './names';

export interface StorageStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** The seed's lifecycle rules, verbatim, plus aborting abandoned multipart uploads. */
export function seedLifecycleRules(): s3.LifecycleRule[] {
  return [
    {
      id: 'archive-old-sessions',
      prefix: 'sessions/',
      transitions: [
        { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(SEED_LIFECYCLE.sessionsInfrequentAccessDays) },
        { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(SEED_LIFECYCLE.sessionsGlacierDays) },
      ],
    },
    { id: 'delete-old-logs', prefix: 'logs/', expiration: Duration.days(SEED_LIFECYCLE.logsExpirationDays) },
    { id: 'delete-old-versions', noncurrentVersionExpiration: Duration.days(SEED_LIFECYCLE.noncurrentVersionExpirationDays) },
    {
      id: 'abort-incomplete-multipart-uploads',
      abortIncompleteMultipartUploadAfter: Duration.days(SEED_LIFECYCLE.abortIncompleteMultipartUploadDays),
    },
  ];
}

/**
 * Stateful resources in the primary region: the storage bucket, its key, the kvstore, idempotency
 * and audit tables, and the notification topics. Stateless stacks refer to these by name and SSM
 * parameter (never Fn::ImportValue, see ./state-refs.ts) and redeploy freely.
 */
export class StorageStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.Key;
  readonly kvstoreTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly auditTable: dynamodb.Table;
  readonly notificationTopic: sns.Topic;
  readonly operationsTopic: sns.Topic;
  readonly agentAccess: AgentAccess;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = resourceNames(config.name);
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const replicationRoleArn = `arn:${this.partition}:iam::${this.account}:role/${replicationRoleName(config)}`;

    this.encryptionKey = new kms.Key(this, 'DataKey', {
      description: `blob ${config.name}: storage bucket, tables and topics`,
      enableKeyRotation: true,
      alias: `alias/${names.prefix}-data`,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // The replication role lives in the replica stack; the key policy (not an IAM wildcard) lets
    // it decrypt source objects, and only through S3 in this region.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowReplicationRoleToDecryptViaS3',
        principals: [new iam.ArnPrincipal(replicationRoleArn)],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${config.primaryRegion}.amazonaws.com` } },
      }),
    );

    const logs = new AccessLogsBucket(this, 'AccessLogs', {
      bucketName: accessLogsBucketName(config, config.primaryRegion),
      removalPolicy,
      retentionDays: config.auditRetentionDays,
    });

    const replicaBucket = s3.Bucket.fromBucketAttributes(this, 'ReplicaBucketRef', {
      bucketName: replicaBucketName(config),
      region: config.replicaRegion,
    });
    // An alias ARN is accepted as ReplicaKmsKeyID and, unlike the key ARN, is known before deploy.
    const replicaKeyAliasArn = `arn:${this.partition}:kms:${config.replicaRegion}:${this.account}:${names.replicaKeyAlias}`;

    this.bucket = new SecureBucket(this, 'Storage', {
      bucketName: storageBucketName(config),
      encryptionKey: this.encryptionKey,
      accessLogsBucket: logs.bucket,
      removalPolicy,
      eventBridge: true,
      lifecycleRules: seedLifecycleRules(),
      replicationRole: iam.Role.fromRoleArn(this, 'ReplicationRoleRef', replicationRoleArn, { mutable: false }),
      replicationRules: [
        {
          id: REPLICATION_RULE_ID,
          priority: 1,
          filter: { prefix: SEED_REPLICATION.prefix },
          destination: replicaBucket,
          kmsKey: kms.Key.fromKeyArn(this, 'ReplicaKeyRef', replicaKeyAliasArn),
          sseKmsEncryptedObjects: true,
          replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
          deleteMarkerReplication: SEED_REPLICATION.deleteMarkerReplication,
        },
      ],
    }).bucket;

    ({ kvstoreTable: this.kvstoreTable, idempotencyTable: this.idempotencyTable } = kvstoreTables(this, this.encryptionKey, config, removalPolicy));

    // Audit trail: pk = object key, sk = event time + version, kept for auditRetentionDays.
    this.auditTable = new EncryptedTable(this, 'Audit', {
      tableName: names.auditTable,
      encryptionKey: this.encryptionKey,
      removalPolicy,
      deletionProtection: config.deletionProtection,
      partitionKey: 'pk',
      sortKey: 'sk',
      ttlAttribute: 'expiresAt',
    }).table;

    // PITR reaches back 35 days; audit records are kept auditRetentionDays (400 in prod) and the
    // kvstore holds state no event can rebuild. Idempotency records are disposable by design.
    if (config.backup.enabled) {
      new TableBackup(this, 'Backup', {
        vaultName: names.backupVault,
        planName: names.backupPlan,
        retentionDays: config.backup.retentionDays,
        tables: [this.auditTable, this.kvstoreTable],
        tableKey: this.encryptionKey,
        description: `blob ${config.name}: audit and kvstore tables`,
      });
    }

    this.notificationTopic = new sns.Topic(this, 'Notifications', {
      topicName: names.notificationTopic,
      displayName: `blob ${config.name} notifications`,
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    this.operationsTopic = operationsTopic(this, this.encryptionKey, config);
    if (config.notificationEmail) {
      this.notificationTopic.addSubscription(new subscriptions.EmailSubscription(config.notificationEmail));
      this.operationsTopic.addSubscription(new subscriptions.EmailSubscription(config.notificationEmail));
    }

    // Agent workspaces: one role, scoped by session tags (lib/constructs/agent-access.ts).
    this.agentAccess = new AgentAccess(this, 'AgentAccess', { config, bucket: this.bucket, table: this.kvstoreTable, key: this.encryptionKey });

    const params: Array<[string, string, string]> = [
      ['BucketParam', names.parameters.bucketName, this.bucket.bucketName],
      ['TableParam', names.parameters.tableName, this.kvstoreTable.tableName],
      ['TopicParam', names.parameters.topicArn, this.notificationTopic.topicArn],
      ['AuditTableParam', names.parameters.auditTableName, this.auditTable.tableName],
      // What the CLIs map s3://<store>/… to (prefixes of this bucket); published so forks that add one need no CLI change.
      ['LogicalStoresParam', names.parameters.logicalStores, encodeStores(LOGICAL_STORES)],
      // The pipelines stack reads the key ARN here (not deterministic, unlike every name above).
      ['DataKeyArnParam', names.parameters.dataKeyArn, this.encryptionKey.keyArn],
    ];
    for (const [id, parameterName, stringValue] of params) {
      new ssm.StringParameter(this, id, { parameterName, stringValue, description: `blob ${config.name}` });
    }
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'KvstoreTableName', { value: this.kvstoreTable.tableName });
    new CfnOutput(this, 'NotificationTopicArn', { value: this.notificationTopic.topicArn });
    new CfnOutput(this, 'AuditTableName', { value: this.auditTable.tableName });
  }
}

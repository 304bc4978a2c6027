import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { EnvironmentConfig, SEED_LIFECYCLE, SEED_REPLICATION, resourceNames } from '../config';
import { acknowledgePrefixScopedWildcards } from '../constructs/compliance';
import { AccessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import { TableBackup } from '../constructs/table-backup';
import { kvstoreTables, operationsTopic } from './regional-state';
import { accessLogsBucketName, replicaBucketName, replicationRoleName, storageBucketName } from './names';

export interface ReplicaStorageStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * Stateful resources in the replica region. Deployed before the primary storage stack because the
 * primary bucket's replication rule names this stack's bucket, key alias and role.
 */
export class ReplicaStorageStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.Key;
  readonly kvstoreTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly replicationRole: iam.Role;
  readonly operationsTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: ReplicaStorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = resourceNames(config.name);
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.encryptionKey = new kms.Key(this, 'ReplicaKey', {
      description: `blob ${config.name}: replica bucket and replica-region tables`,
      enableKeyRotation: true,
      alias: names.replicaKeyAlias,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });

    const logs = new AccessLogsBucket(this, 'AccessLogs', {
      bucketName: accessLogsBucketName(config, config.replicaRegion),
      removalPolicy,
      retentionDays: config.auditRetentionDays,
    });

    this.bucket = new SecureBucket(this, 'Replica', {
      bucketName: replicaBucketName(config),
      encryptionKey: this.encryptionKey,
      accessLogsBucket: logs.bucket,
      removalPolicy,
      // Pattern 4 processes replicated objects in this region, so the replica emits events too.
      eventBridge: true,
      lifecycleRules: [
        {
          id: 'delete-old-versions',
          noncurrentVersionExpiration: Duration.days(SEED_LIFECYCLE.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(SEED_LIFECYCLE.abortIncompleteMultipartUploadDays),
        },
      ],
    }).bucket;

    this.replicationRole = this.buildReplicationRole(config);

    ({ kvstoreTable: this.kvstoreTable, idempotencyTable: this.idempotencyTable } = kvstoreTables(this, this.encryptionKey, config, removalPolicy));

    // This region's kvstore holds pattern 4's results; AWS Backup is regional, so it gets its own
    // vault, key and plan here, with the same schedule and retention as the primary region's.
    if (config.backup.enabled) {
      new TableBackup(this, 'Backup', {
        vaultName: names.backupVault,
        planName: names.backupPlan,
        retentionDays: config.backup.retentionDays,
        tables: [this.kvstoreTable],
        tableKey: this.encryptionKey,
        description: `blob ${config.name}: replica-region kvstore table`,
      });
    }

    // Alarms of the replica-region functions must publish to a topic in this region.
    this.operationsTopic = operationsTopic(this, this.encryptionKey, config, ' (replica region)');

    new ssm.StringParameter(this, 'ReplicaBucketParam', {
      parameterName: names.parameters.replicaBucketName,
      stringValue: this.bucket.bucketName,
      description: 'Replica bucket (critical/ is replicated here)',
    });
    new ssm.StringParameter(this, 'ReplicaTableParam', {
      parameterName: names.parameters.tableName,
      stringValue: this.kvstoreTable.tableName,
      description: 'kvstore table in the replica region',
    });
    // The replica pipelines stack reads the key ARN here (not deterministic, unlike the names).
    new ssm.StringParameter(this, 'ReplicaKeyArnParam', {
      parameterName: names.parameters.replicaKeyArn,
      stringValue: this.encryptionKey.keyArn,
      description: 'KMS key of the replica bucket and replica-region tables',
    });
    new CfnOutput(this, 'ReplicaBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'ReplicaKvstoreTableName', { value: this.kvstoreTable.tableName });
  }

  /**
   * Least privilege for S3 replication of `critical/` only: read versions from the source prefix,
   * write replicas into the same prefix here, decrypt through S3 in the source region and encrypt
   * through S3 in this one. The source key's policy names this role (see StorageStack).
   */
  private buildReplicationRole(config: EnvironmentConfig): iam.Role {
    const sourceBucketArn = `arn:${this.partition}:s3:::${storageBucketName(config)}`;
    const prefix = SEED_REPLICATION.prefix;
    const role = new iam.Role(this, 'ReplicationRole', {
      roleName: replicationRoleName(config),
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 replication of ${prefix} for blob ${config.name}`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [sourceBucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        resources: [`${sourceBucketArn}/${prefix}*`],
      }),
    );
    // s3:ReplicateDelete replicates delete markers only, which the rule does not: without it the
    // role cannot hide a replica even if the rule were changed behind the template's back.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ReplicateObject', 's3:ReplicateTags', ...(SEED_REPLICATION.deleteMarkerReplication ? ['s3:ReplicateDelete'] : [])],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${config.replicaRegion}.amazonaws.com` },
          // With S3 Bucket Keys the encryption context is the bucket ARN, without them the object ARN.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [this.bucket.bucketArn, this.bucket.arnForObjects(`${prefix}*`)] },
        },
      }),
    );
    acknowledgePrefixScopedWildcards(role);
    return role;
  }
}

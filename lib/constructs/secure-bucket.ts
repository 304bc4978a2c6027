import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeAutoDeleteObjectsProvider, skipCheckov } from './compliance';

export interface SecureBucketProps {
  /** Physical name; deterministic names let the replica, CLIs and the local copy find the bucket. */
  readonly bucketName: string;
  /** Customer-managed key; S3 Bucket Keys are always on to cut KMS request cost. */
  readonly encryptionKey: kms.IKey;
  /** Server access logs go here (a separate, SSE-S3 bucket: S3 cannot deliver logs to SSE-KMS). */
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  readonly lifecycleRules?: s3.LifecycleRule[];
  readonly replicationRules?: s3.ReplicationRule[];
  readonly replicationRole?: s3.BucketProps['replicationRole'];
  /**
   * Deliver every object event to EventBridge. Set on the CfnBucket's native
   * NotificationConfiguration: CDK's `eventBridgeEnabled` would add a custom-resource Lambda.
   */
  readonly eventBridge: boolean;
}

/**
 * A bucket CloudFormation may delete must be emptied first: it refuses to delete a bucket holding
 * any object version or delete marker, and every bucket here is versioned. CDK's autoDeleteObjects
 * (one Custom::S3AutoDeleteObjects per bucket, one provider Lambda per stack) deletes every version
 * and marker when the bucket is removed, so `cdk destroy` of dev and staging succeeds. Retained
 * (prod) buckets get no such resource: nothing there can empty them.
 */
function emptiedOnDelete(removalPolicy: RemovalPolicy): boolean {
  return removalPolicy === RemovalPolicy.DESTROY;
}

/**
 * A versioned, KMS-encrypted, private, TLS-only bucket: the secure defaults every bucket of this
 * layer shares, as AWS Solutions Constructs package them.
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: `${props.bucketName}/`,
      lifecycleRules: props.lifecycleRules,
      replicationRules: props.replicationRules,
      replicationRole: props.replicationRole,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: emptiedOnDelete(props.removalPolicy),
    });
    if (emptiedOnDelete(props.removalPolicy)) acknowledgeAutoDeleteObjectsProvider(this.bucket);
    if (props.eventBridge) {
      const cfn = this.bucket.node.defaultChild as s3.CfnBucket;
      cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }
}

export interface AccessLogsBucketProps {
  readonly bucketName: string;
  readonly removalPolicy: RemovalPolicy;
  readonly retentionDays: number;
}

/** Target for server access logs: SSE-S3 (the only encryption S3 log delivery supports), private, TLS-only. */
export class AccessLogsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: emptiedOnDelete(props.removalPolicy),
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    if (emptiedOnDelete(props.removalPolicy)) acknowledgeAutoDeleteObjectsProvider(this.bucket);
    skipCheckov(this.bucket.node.defaultChild as s3.CfnBucket, [
      {
        id: 'CKV_AWS_18',
        reason:
          'This bucket is the server-access-log target; logging it would need yet another log bucket (and that one ' +
          'another). Its writes come only from the S3 logging service, which its bucket policy names.',
      },
    ]);
  }
}

import { Aws } from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../config';

/**
 * Bucket names are deterministic (account and region make them globally unique) so that the
 * primary and replica stacks can refer to each other without cross-region custom resources.
 */
export function storageBucketName(config: EnvironmentConfig): string {
  return `blob-${config.name}-storage-${Aws.ACCOUNT_ID}-${config.primaryRegion}`;
}

export function replicaBucketName(config: EnvironmentConfig): string {
  return `blob-${config.name}-replica-${Aws.ACCOUNT_ID}-${config.replicaRegion}`;
}

export function accessLogsBucketName(config: EnvironmentConfig, region: string): string {
  return `blob-${config.name}-access-logs-${Aws.ACCOUNT_ID}-${region}`;
}

/** The one replication rule; the replication alarms name it as a metric dimension. */
export const REPLICATION_RULE_ID = 'replicate-critical';

/** IAM names are account-global: the environment name keeps dev, staging and prod apart. */
export function replicationRoleName(config: EnvironmentConfig): string {
  return `blob-${config.name}-s3-replication`;
}

/**
 * What a deployed environment and its clients must agree on: the environment names, the regions its
 * stacks live in, and the SSM parameters under which the stacks publish their resource names. It is
 * CDK-free and lives in core/ because the CLIs resolve an environment with it while lib/config.ts
 * builds and validates each environment's settings on it; the runtime never imports lib/.
 */

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/**
 * Regions of every environment: lib/config.ts validates them with the other settings, and the CLIs
 * look an environment's parameters up in its primary region when no region is configured.
 */
export const ENVIRONMENT_REGIONS = { primary: 'eu-central-1', replica: 'us-west-2' } as const;

/** SSM parameter paths the stacks publish and the CLIs read to find this environment's resources. */
export function environmentParameters(env: EnvironmentName) {
  return {
    bucketName: `/blob/${env}/bucket-name`,
    tableName: `/blob/${env}/kvstore-table-name`,
    topicArn: `/blob/${env}/notification-topic-arn`,
    replicaBucketName: `/blob/${env}/replica-bucket-name`,
    auditTableName: `/blob/${env}/audit-table-name`,
    /** Logical store names (core/logical-stores.ts), comma-separated: what `s3://<store>/` maps to. */
    logicalStores: `/blob/${env}/logical-stores`,
    /**
     * ARN of each region's customer-managed key (primary: data key, replica region: replica key).
     * Key ARNs are not deterministic, so the pipelines stacks read them here instead of importing
     * an export that would pin the key in the storage stack.
     */
    dataKeyArn: `/blob/${env}/data-key-arn`,
    replicaKeyArn: `/blob/${env}/replica-key-arn`,
    /** The agent role `--as AGENT` assumes, and the workspace layout (JSON, core/agent-access.ts) `whoami` explains. */
    agentRoleArn: `/blob/${env}/agent-role-arn`,
    agentLayout: `/blob/${env}/agent-layout`,
  } as const;
}

// Loaded on demand; why through here: cli/shared/sdk/s3.ts. For `--as` sessions and `blob whoami`.
export { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

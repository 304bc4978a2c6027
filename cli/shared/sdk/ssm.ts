// Loaded on demand; why through here: cli/shared/sdk/s3.ts. For environment resolution and the agent role and layout lookups.
export { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';

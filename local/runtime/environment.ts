import type { Credentials } from '../iam/credentials';
import type { LocalFunction } from '../provision';

/**
 * The environment a Lambda execution environment of `fn` sees: the template's variables plus what
 * the Lambda service sets, with SDK clients pointed at the emulator.
 */
export function lambdaEnvironment(fn: LocalFunction, endpoint: string, credentials: Credentials): Record<string, string> {
  return {
    ...fn.environment,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    // As the Lambda service provides them: a session of the function's own execution role.
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs_local',
    LAMBDA_TASK_ROOT: fn.assetDir,
    _HANDLER: fn.handler,
  };
}

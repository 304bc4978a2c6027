import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, Logger } from '@smithy/types';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * One client configuration for handlers, CLIs, the local runtime and tests. It honours the
 * standard AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, AWS_REGION and profile settings (the SDK
 * reads those itself) and adds what a custom endpoint needs: path-style S3 addressing.
 */
export interface ClientOptions {
  readonly region?: string;
  /** Overrides AWS_ENDPOINT_URL for every service. */
  readonly endpoint?: string;
  /** Concurrent sockets per client; multipart and directory transfers raise it. */
  readonly maxSockets?: number;
  /** Attempts including the first, with the SDK's standard exponential backoff and jitter. */
  readonly maxAttempts?: number;
  /** Instead of the SDK's default chain: the CLIs' `--as AGENT` session (cli/shared/identity.ts). */
  readonly credentials?: () => Promise<AwsCredentialIdentity>;
  /** Where the SDK's own warnings go; the CLIs silence them (their stderr is one error line). */
  readonly logger?: Logger;
}

export interface ResolvedClientConfig {
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  requestHandler: NodeHttpHandler;
  /** Only when ClientOptions.credentials is given; the union keeps callers free to pass static keys. */
  credentials?: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);
  logger?: Logger;
}

export function endpointFromEnvironment(service?: string): string | undefined {
  const specific = service ? process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] : undefined;
  return specific || process.env.AWS_ENDPOINT_URL || undefined;
}

export function clientConfig(options: ClientOptions = {}, service?: string): ResolvedClientConfig {
  const endpoint = options.endpoint ?? endpointFromEnvironment(service);
  const maxSockets = options.maxSockets ?? 50;
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: 5_000,
      requestTimeout: 0,
    }),
  };
}

import { ensureVenv as ensureVenvQuietly, freePort, startEmulator } from '../../local/emulator/moto';

/**
 * A private moto server for one test file: real S3/DynamoDB/SNS/SQS/EventBridge wire protocols on
 * a loopback port. Use for handler and CLI integration tests that provision their own resources;
 * end-to-end tests use the whole local stack instead. It is the local copy's emulator
 * (local/emulator/moto.ts → local/emulator/moto_launcher.py): AWS-shaped S3 events and DynamoDB writes
 * serialised per item as DynamoDB guarantees, so concurrency tests exercise our logic, not an
 * emulator race.
 */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export { freePort };

export function ensureVenv(): void {
  ensureVenvQuietly(false);
}

export async function startMoto(): Promise<MotoServer> {
  ensureVenv();
  return startEmulator();
}

/** Environment for SDK clients (and CLI subprocesses) pointed at a moto endpoint. */
export function awsEnvFor(endpoint: string, region = 'eu-central-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
  };
}

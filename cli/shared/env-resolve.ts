import { ENVIRONMENT_NAMES, ENVIRONMENT_REGIONS, EnvironmentName, environmentParameters, isEnvironmentName } from '../../core/environments';
import type { ClientOptions } from '../../core/aws-config';
import { decodeStores } from '../../core/logical-stores';
import { CliError, EXIT } from './cli-errors';

/**
 * Finds an environment's bucket, table and topic the way the stacks publish them: SSM parameters
 * under /blob/<env>/ in the primary region. Works the same against AWS and the local copy, which
 * publishes the same parameters.
 */
export interface ResolvedEnvironment {
  readonly env: EnvironmentName;
  readonly region: string;
  readonly bucketName: string;
  readonly tableName: string;
  readonly topicArn?: string;
  readonly auditTableName?: string;
  /** Logical store names the stack publishes (core/logical-stores.ts); empty for stacks that predate them. */
  readonly stores: readonly string[];
}

const cache = new Map<string, Promise<ResolvedEnvironment>>();

export function assertEnvironmentName(name: string): EnvironmentName {
  if (!isEnvironmentName(name)) {
    throw new CliError(`unknown environment "${name}"`, EXIT.CONFIG, `use one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return name;
}

export async function resolveEnvironment(name: string, options: ClientOptions = {}): Promise<ResolvedEnvironment> {
  const env = assertEnvironmentName(name);
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? ENVIRONMENT_REGIONS.primary;
  const cacheKey = `${env}|${region}|${options.endpoint ?? process.env.AWS_ENDPOINT_URL ?? ''}`;
  let pending = cache.get(cacheKey);
  if (!pending) {
    pending = lookup(env, region, options);
    cache.set(cacheKey, pending);
    pending.catch(() => cache.delete(cacheKey));
  }
  return pending;
}

async function lookup(env: EnvironmentName, region: string, options: ClientOptions): Promise<ResolvedEnvironment> {
  const p = environmentParameters(env);
  // Loaded here, not at the top: options.ts imports this module for assertEnvironmentName, and
  // `--help` must not pay for the SSM client and the HTTP handler (bench cli-package measures start-up).
  const [{ GetParametersCommand, SSMClient }, { clientConfig }] = await Promise.all([import('./sdk/ssm'), import('../../core/aws-config')]);
  const ssm = new SSMClient(clientConfig({ ...options, region }, 'ssm'));
  try {
    const res = await ssm.send(
      new GetParametersCommand({ Names: [p.bucketName, p.tableName, p.topicArn, p.auditTableName, p.logicalStores, p.replicaBucketName] }),
    );
    const byName = new Map((res.Parameters ?? []).map((x) => [x.Name, x.Value]));
    // The replica region publishes its own bucket and table (ReplicaStorageStack), so --region
    // <replica> finds that region's bucket and kvstore table, for blob and kvstore alike.
    const bucketName = byName.get(p.bucketName) ?? byName.get(p.replicaBucketName);
    const tableName = byName.get(p.tableName);
    if (!bucketName || !tableName) {
      throw new CliError(
        `environment "${env}" is not deployed in ${region}: SSM parameters ${p.bucketName} and ${p.tableName} not found`,
        EXIT.CONFIG,
        `deploy it (npx cdk deploy --all -c env=${env}) or start the local copy (npm run local), or pass --region`,
      );
    }
    const stores = decodeStores(byName.get(p.logicalStores));
    return { env, region, bucketName, tableName, topicArn: byName.get(p.topicArn), auditTableName: byName.get(p.auditTableName), stores };
  } finally {
    ssm.destroy();
  }
}

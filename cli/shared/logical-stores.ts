import { LOGICAL_STORES, storePrefix } from '../../core/logical-stores';
import { CliError, EXIT } from './cli-errors';
import type { ResolvedEnvironment } from './env-resolve';

/**
 * Resolution of `s3://<store>/rest` to the environment's bucket (README "Logical stores"). The
 * mapping applies only when an environment is selected (--env / BLOB_ENV), only to names the
 * environment's stack publishes, and never when BLOB_STORES=off. A bucket of the same name that the
 * caller can reach is never shadowed silently: the command is refused and says how to choose.
 */

export interface StoreTarget {
  readonly bucket: string;
  readonly key: string;
}

export interface MappedStore {
  readonly bucket: string;
  readonly key: string;
  /** The logical store the user addressed (keys printed by `list` are relative to it). */
  readonly store: string;
}

export interface StoreResolver {
  /** The selected environment, or undefined when none is selected. */
  environment(): Promise<ResolvedEnvironment> | undefined;
  /** Whether a real bucket of this name exists and answers the caller (HeadBucket 200). */
  bucketReachable(name: string): Promise<boolean>;
}

export function storesDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(off|0|false|no)$/i.test(env.BLOB_STORES ?? '');
}

/**
 * The physical location of `s3://<bucket>/<key>`, or undefined when it is not a logical store (then
 * the name is a bucket). An environment lookup failure only matters for names the code knows as
 * stores: for any other name the user most likely means a real bucket, so its URI keeps working
 * without SSM access.
 */
export async function mapLogicalStore(target: StoreTarget, resolver: StoreResolver): Promise<MappedStore | undefined> {
  if (storesDisabled()) return undefined;
  const pending = resolver.environment();
  if (!pending) return undefined;
  let env: ResolvedEnvironment;
  try {
    env = await pending;
  } catch (err) {
    if ((LOGICAL_STORES as readonly string[]).includes(target.bucket)) throw err;
    return undefined;
  }
  if (!env.stores.includes(target.bucket)) return undefined;
  if (await resolver.bucketReachable(target.bucket)) {
    throw new CliError(
      `s3://${target.bucket}/ is both a logical store of environment "${env.env}" and a bucket you can reach`,
      EXIT.USAGE,
      `write s3://${env.bucketName}/${storePrefix(target.bucket)}… for the store, or set BLOB_STORES=off for the bucket`,
    );
  }
  return { bucket: env.bucketName, key: storePrefix(target.bucket) + target.key, store: target.bucket };
}

/** A key of the environment's bucket as the user sees it through the store they listed. */
export function storeRelativeKey(store: string | undefined, key: string): string {
  if (!store) return key;
  const prefix = storePrefix(store);
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

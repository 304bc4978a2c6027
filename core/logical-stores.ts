/**
 * Logical stores: the names the seed addresses as if they were buckets (s3://sessions/…,
 * s3://artifacts/…). Each environment has one bucket; a logical store is the prefix `<name>/` of
 * it. The list is defined here once: the storage stack publishes it (SSM parameter
 * /blob/<env>/logical-stores) and the CLIs map `s3://<name>/rest` to `<bucket>/<name>/rest` only
 * for names that parameter lists, so a fork that adds a store here updates every CLI on deploy.
 */

export const LOGICAL_STORES = [
  'analytics',
  'archives',
  'artifacts',
  'codegen',
  'config',
  'data',
  'datasets',
  'global-bucket',
  'logs',
  'models',
  'processed',
  'raw-data',
  'reports',
  'sessions',
  'shared',
  'uploads',
  'videos',
] as const;
export type LogicalStoreName = (typeof LOGICAL_STORES)[number];

/** A store name is a bucket-shaped name without dots (it becomes one key segment). */
const STORE_NAME_RE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The key prefix a store occupies in the environment's bucket. */
export function storePrefix(name: string): string {
  return `${name}/`;
}

/** The SSM parameter's value: names joined by commas (a StringList). */
export function encodeStores(names: readonly string[]): string {
  return names.join(',');
}

/** Parses the published list; names that could not be stores are dropped rather than mapped. */
export function decodeStores(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => STORE_NAME_RE.test(s));
}

/**
 * Key design of the kvstore table, shared by the CDK construct and the clients. It lives here, free
 * of aws-cdk-lib, so the CLI bundles do not pull the CDK in (9 MB and a slow start otherwise).
 * `pk` is the namespace (the key up to its first `/`), `sk` the whole key. `kvstore list deployment/`
 * is then one Query (pk = "deployment", begins_with(sk)), never a Scan. `expiresAt` (epoch seconds)
 * is the TTL attribute; readers also treat past values as absent because DynamoDB deletes expired
 * items lazily.
 */
export const KVSTORE_KEY = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

export class InvalidKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`invalid kvstore key "${key}": ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

/**
 * Sort keys starting with '~' are reserved for internal items (dedupe markers, lock and queue state)
 * so they can never collide with, or show up among, user keys.
 */
const RESERVED = '~';

export function namespaceOf(key: string): string {
  if (!key || key.startsWith('/') || key.startsWith(RESERVED)) {
    throw new InvalidKeyError(key, "keys look like namespace/name, for example deployment/total-deploys, and cannot start with '/' or '~'");
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidKeyError(JSON.stringify(key).slice(1, -1), 'control characters are not allowed');
  if (Buffer.byteLength(key) > 1024) throw new InvalidKeyError(key.slice(0, 40) + '…', 'longer than 1024 bytes');
  const i = key.indexOf('/');
  return i === -1 ? key : key.slice(0, i);
}

export function keyOf(key: string): Record<string, string> {
  return { [KVSTORE_KEY.partitionKey]: namespaceOf(key), [KVSTORE_KEY.sortKey]: key };
}

/** The key of an internal item (`kind` such as 'lock') kept in the namespace of a user-chosen name. */
export function reservedKeyOf(kind: string, name: string, suffix = ''): Record<string, string> {
  return { [KVSTORE_KEY.partitionKey]: namespaceOf(name), [KVSTORE_KEY.sortKey]: `${RESERVED}${kind}${RESERVED}${name}${suffix}` };
}

/** Lock and queue names: valid keys without '~', which separates a name from its item suffixes. */
export function assertLockOrQueueName(kind: string, name: string): void {
  namespaceOf(name);
  if (name.includes('~')) throw new InvalidKeyError(name, `${kind} names cannot contain '~'`);
}

/**
 * Key design of the kvstore table, shared by the CDK construct and the clients. It lives here, free
 * of aws-cdk-lib, so the CLI bundles do not pull the CDK in (9 MB and a slow start otherwise).
 * `pk` is the namespace (the key up to its first `/`), `sk` the whole key. `kvstore list deployment/`
 * is then one Query (pk = "deployment", begins_with(sk)), never a Scan. `expiresAt` (epoch seconds)
 * is the TTL attribute; readers also treat past values as absent because DynamoDB deletes expired
 * items lazily.
 */
import { createHash } from 'node:crypto';

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

/** Marks a derived key that had to be shortened or cleaned: the hash names the original exactly. */
export const SAFE_KEY_HASH_MARK = '#sha256:';
/** DynamoDB sort keys stop at 1024 bytes; a derived key is kept whole up to this. */
const MAX_SAFE_KEY_BYTES = 1024;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * A kvstore key for `key` that namespaceOf always accepts. An S3 key may hold control characters
 * and be 1,024 bytes long, so a key derived from it (`analysis/<objectKey>`) can be refused; such a
 * key is derived deterministically instead: its head with control characters as `?`, cut on a
 * character boundary, then `#sha256:<hex of the whole original>`. The same input always gives the
 * same key (retries find their records) and two originals never share one. Callers keep the
 * original in the record (`objectKey`). Keys that are valid as they are come back unchanged.
 */
export function safeKey(key: string): string {
  CONTROL.lastIndex = 0;
  const clean = !CONTROL.test(key) && Buffer.byteLength(key) <= MAX_SAFE_KEY_BYTES && !key.includes(SAFE_KEY_HASH_MARK);
  if (clean) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  const room = MAX_SAFE_KEY_BYTES - SAFE_KEY_HASH_MARK.length - hash.length;
  const head = Buffer.from(key.replace(CONTROL, '?')).subarray(0, room).toString('utf8').replace(/\uFFFD+$/, '');
  return `${head}${SAFE_KEY_HASH_MARK}${hash}`;
}

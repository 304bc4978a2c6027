import { createHash } from 'node:crypto';

const MAX_KEY_BYTES = 1000;

/**
 * A kvstore key built from parts; an S3 key may be 1024 bytes and a DynamoDB sort key may not
 * exceed 1024, so over-long keys keep a readable head and end in a hash of the whole.
 */
export function onceKey(namespace: string, ...parts: string[]): string {
  const key = `${namespace}/${parts.join('/')}`;
  if (Buffer.byteLength(key) <= MAX_KEY_BYTES) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${Buffer.from(key).subarray(0, MAX_KEY_BYTES - 70).toString('utf8').replace(/\uFFFD+$/, '')}…${hash}`;
}

import { safeKey } from '../../../core/kvstore-key';

/**
 * A kvstore key built from parts; an S3 key may be 1024 bytes long and hold control characters,
 * which a kvstore key may not, so such keys are derived by safeKey (a readable head, then
 * `#sha256:` and the hash of the whole).
 */
export function onceKey(namespace: string, ...parts: string[]): string {
  return safeKey(`${namespace}/${parts.join('/')}`);
}

import { KVSTORE_KEY } from './kvstore-key';

/**
 * Kvstore items as the client returns them, and their lifetime: values are JSON (string, number,
 * object); expired items read as absent even before DynamoDB's lazy TTL deletion removes them.
 */
export type KvValue = string | number | boolean | null | KvValue[] | { [k: string]: KvValue };

export interface KvItem {
  readonly key: string;
  readonly value: KvValue;
  readonly updatedAt: string;
  /** Epoch seconds; absent when the item never expires. */
  readonly expiresAt?: number;
}

/** inc/dec on a value that is not a number (nor a string holding an integer). */
export class NotANumberError extends Error {
  constructor(
    readonly key: string,
    readonly actual: string,
  ) {
    super(`"${key}" holds ${actual}, not a number, so it cannot be incremented`);
    this.name = 'NotANumberError';
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The TTL attribute for a lifetime of `ttlSeconds`: rounded up, so a value never expires early. */
export const expiryAfter = (ttlSeconds: number): number => Math.ceil(Date.now() / 1000 + ttlSeconds);

export function isLive(item: Record<string, unknown> | undefined): boolean {
  if (!item) return false;
  const exp = item[KVSTORE_KEY.ttlAttribute];
  return typeof exp !== 'number' || exp > nowSeconds();
}

export function toItem(raw: Record<string, unknown>): KvItem {
  const exp = raw[KVSTORE_KEY.ttlAttribute];
  return {
    key: String(raw[KVSTORE_KEY.sortKey]),
    value: raw.value as KvValue,
    updatedAt: String(raw.updatedAt ?? ''),
    ...(typeof exp === 'number' ? { expiresAt: exp } : {}),
  };
}

/** How a non-counter value reads in an error message. */
export function describe(value: KvValue | undefined): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * DynamoDB item size, computed the way the service documents it ("Item sizes and formats"), so an
 * oversized value is refused with a useful message before any request is sent. Attribute names
 * count; strings count their UTF-8 bytes; numbers about one byte per two significant digits plus
 * one; lists and maps cost 3 bytes plus 1 per element.
 */
export const MAX_ITEM_BYTES = 400 * 1024;

export function attributeValueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + 1 + attributeValueSize(v), 3);
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + attributeValueSize(v), 0);
  if (typeof value === 'object') {
    return Object.entries(value).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + attributeValueSize(v), 3);
  }
  return Buffer.byteLength(String(value));
}

function numberSize(n: number | bigint): number {
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e[+-]?\d+$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function itemSize(item: Record<string, unknown>): number {
  let n = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    n += Buffer.byteLength(name) + attributeValueSize(value);
  }
  return n;
}

/** "512 KB", "1.5 MB": sizes in the unit DynamoDB's limit is stated in. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Thrown before any request when an item would exceed DynamoDB's 400 KB limit. */
export class ValueTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly bytes: number,
  ) {
    super(`value for "${key}" is ${formatSize(bytes)}; kvstore items are limited to ${formatSize(MAX_ITEM_BYTES)}`);
    this.name = 'ValueTooLargeError';
  }
}

export function assertItemFits(key: string, item: Record<string, unknown>): void {
  const bytes = itemSize(item);
  if (bytes > MAX_ITEM_BYTES) throw new ValueTooLargeError(key, bytes);
}

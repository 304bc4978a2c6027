import { createHash, createHmac } from 'node:crypto';

/**
 * The arithmetic of Signature Version 4, shared by the side that signs (the CLI's data path,
 * cli/blob/transfer/sigv4.ts) and the side that verifies (the local copy's IAM gateway,
 * local/iam/sigv4.ts): RFC 3986 encoding, the canonical request, the string to sign and the
 * signing key. What goes into them (which headers, which path and payload hash) is each side's own.
 */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** RFC 3986 encoding as SigV4 requires (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Query parameters RFC 3986-encoded and sorted by key (then value), as `k=v&…`. */
export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * The canonical request: `signedHeaders` in signing order, each with its value trimmed and inner
 * whitespace folded to one space.
 */
export function canonicalRequest(
  method: string,
  uri: string,
  query: string,
  signedHeaders: readonly string[],
  valueOf: (name: string) => string,
  payloadHash: string,
): string {
  const lines = signedHeaders.map((name) => `${name}:${valueOf(name).trim().replace(/\s+/g, ' ')}\n`).join('');
  return `${method}\n${uri}\n${query}\n${lines}\n${signedHeaders.join(';')}\n${payloadHash}`;
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

/** kSigning: the HMAC chain over date, region, service and "aws4_request". */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  let key = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return key;
}

export function signatureOf(key: Buffer, toSign: string): Buffer {
  return createHmac('sha256', key).update(toSign).digest();
}

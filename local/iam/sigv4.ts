import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Signature Version 4 as AWS verifies it: the canonical request rebuilt from what arrived, signed
 * with the secret of the access key it names, compared in constant time. Header and query-string
 * (presigned) forms; S3 signs the path as sent and the payload hash it declares, other services the
 * double-encoded path and the body's SHA-256. Chunk signatures of aws-chunked uploads are not
 * re-verified (the seed signature over the headers is).
 */

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** Raw query string without '?'. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  /** Needed for services other than S3 (their payload hash is the body's). */
  readonly body?: Buffer;
}

export interface Authorization {
  readonly accessKeyId: string;
  readonly date: string; // YYYYMMDD
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly amzDate: string; // YYYYMMDDTHHMMSSZ
  readonly presigned: boolean;
  readonly expiresSeconds?: number;
  readonly sessionToken?: string;
}

export class AuthError extends Error {
  constructor(
    readonly code: 'Missing' | 'Malformed' | 'SignatureDoesNotMatch' | 'Expired' | 'Skewed',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/** RFC 3986 encoding as SigV4 requires (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Query parameters decoded, in order; `+` is a literal plus, as SigV4 clients encode spaces as %20. */
export function parseQuery(raw: string): Array<[string, string]> {
  if (!raw) return [];
  return raw.split('&').filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [safeDecode(pair), ''] : [safeDecode(pair.slice(0, eq)), safeDecode(pair.slice(eq + 1))];
  });
}

/** Reads the Authorization header or the X-Amz-* query parameters; undefined when the request is unsigned. */
export function parseAuthorization(req: SignedRequest): Authorization | undefined {
  const header = one(req.headers.authorization);
  const query = new Map(parseQuery(req.rawQuery));
  if (header) {
    const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)\s*$/.exec(header.trim());
    if (!m) throw new AuthError('Malformed', 'the Authorization header is not a SigV4 (AWS4-HMAC-SHA256) authorization');
    const [akid, date, region, service, terminator] = (m[1] as string).split('/');
    const amzDate = one(req.headers['x-amz-date']) ?? '';
    if (!akid || !date || !region || !service || terminator !== 'aws4_request' || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
      throw new AuthError('Malformed', 'the credential scope or X-Amz-Date is malformed');
    }
    return {
      accessKeyId: akid,
      date,
      region,
      service,
      signedHeaders: (m[2] as string).split(';'),
      signature: m[3] as string,
      amzDate,
      presigned: false,
      sessionToken: one(req.headers['x-amz-security-token']),
    };
  }
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) {
    const [akid, date, region, service, terminator] = (query.get('X-Amz-Credential') ?? '').split('/');
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expires = Number(query.get('X-Amz-Expires') ?? 'NaN');
    if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !akid || !date || !region || !service || terminator !== 'aws4_request' || !/^\d{8}T\d{6}Z$/.test(amzDate) || !query.get('X-Amz-Signature')) {
      throw new AuthError('Malformed', 'the presigned URL is missing or has malformed X-Amz-* parameters');
    }
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) throw new AuthError('Malformed', 'X-Amz-Expires must be between 1 and 604800 seconds');
    return {
      accessKeyId: akid,
      date,
      region,
      service,
      signedHeaders: (query.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
      signature: query.get('X-Amz-Signature') as string,
      amzDate,
      presigned: true,
      expiresSeconds: expires,
      sessionToken: query.get('X-Amz-Security-Token'),
    };
  }
  return undefined;
}

function amzDateMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate) as RegExpExecArray;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function canonicalUri(path: string, service: string): string {
  if (service === 's3') return path || '/';
  // Other services sign the URI-encoded form of the (already encoded) path.
  return (path || '/').split('/').map((seg) => uriEncode(seg)).join('/');
}

function canonicalQuery(raw: string, presigned: boolean): string {
  return parseQuery(raw)
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Verifies `auth` against `secret`; throws AuthError when the signature or its time window is wrong. */
export function verifySignature(req: SignedRequest, auth: Authorization, secret: string, now = Date.now()): void {
  const signedAt = amzDateMs(auth.amzDate);
  if (auth.presigned) {
    if (now > signedAt + (auth.expiresSeconds as number) * 1000) throw new AuthError('Expired', 'Request has expired');
    if (signedAt > now + 15 * 60_000) throw new AuthError('Skewed', 'the request is signed for a time in the future');
  } else if (Math.abs(now - signedAt) > 15 * 60_000) {
    throw new AuthError('Skewed', 'The difference between the request time and the current time is too large.');
  }
  const headers = auth.signedHeaders
    .map((h) => {
      const v = req.headers[h];
      const value = Array.isArray(v) ? v.join(',') : (v ?? '');
      return `${h}:${value.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  let payload: string;
  const declared = one(req.headers['x-amz-content-sha256']);
  if (auth.presigned) payload = auth.service === 's3' ? 'UNSIGNED-PAYLOAD' : sha256(req.body ?? Buffer.alloc(0));
  else if (declared) payload = declared;
  else payload = sha256(req.body ?? Buffer.alloc(0));
  const canonical = [req.method.toUpperCase(), canonicalUri(req.path, auth.service), canonicalQuery(req.rawQuery, auth.presigned), headers, auth.signedHeaders.join(';'), payload].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', auth.amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), 'aws4_request');
  const expected = hmac(key, toSign);
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalQuery as encodedQuery, canonicalRequest, credentialScope as scopeOf, sha256Hex, signatureOf, signingKey, stringToSign, uriEncode } from '../../core/sigv4';

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

/**
 * The credential scope `AKID/YYYYMMDD/region/service/aws4_request`: exactly five parts, and a date
 * that is X-Amz-Date's own (AWS rejects a scope dated another day as malformed, before any signature
 * check, so a request signed consistently for the wrong day does not pass as a mismatch).
 */
function credentialScope(credential: string, amzDate: string): Pick<Authorization, 'accessKeyId' | 'date' | 'region' | 'service'> {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !/^\d{8}$/.test(date) || !region || !service || terminator !== 'aws4_request') {
    throw new AuthError('Malformed', `the credential scope '${credential}' is not AKID/YYYYMMDD/region/service/aws4_request`);
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) throw new AuthError('Malformed', 'X-Amz-Date must be an ISO 8601 basic date-time (YYYYMMDDTHHMMSSZ)');
  if (!amzDate.startsWith(date)) throw new AuthError('Malformed', `the credential scope date ${date} does not match X-Amz-Date ${amzDate}`);
  return { accessKeyId, date, region, service };
}

/** Reads the Authorization header or the X-Amz-* query parameters; undefined when the request is unsigned. */
export function parseAuthorization(req: SignedRequest): Authorization | undefined {
  const header = one(req.headers.authorization);
  const query = new Map(parseQuery(req.rawQuery));
  if (header) {
    const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)\s*$/.exec(header.trim());
    if (!m) throw new AuthError('Malformed', 'the Authorization header is not a SigV4 (AWS4-HMAC-SHA256) authorization');
    const amzDate = one(req.headers['x-amz-date']) ?? '';
    const scope = credentialScope(m[1] as string, amzDate);
    return {
      ...scope,
      signedHeaders: (m[2] as string).split(';'),
      signature: m[3] as string,
      amzDate,
      presigned: false,
      sessionToken: one(req.headers['x-amz-security-token']),
    };
  }
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) {
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expires = Number(query.get('X-Amz-Expires') ?? 'NaN');
    if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !/^[0-9a-f]{64}$/.test(query.get('X-Amz-Signature') ?? '')) {
      throw new AuthError('Malformed', 'the presigned URL is missing or has malformed X-Amz-* parameters');
    }
    const scope = credentialScope(query.get('X-Amz-Credential') ?? '', amzDate);
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) throw new AuthError('Malformed', 'X-Amz-Expires must be between 1 and 604800 seconds');
    return {
      ...scope,
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

function canonicalUri(path: string, service: string): string {
  if (service === 's3') return path || '/';
  // Other services sign the normalized path (empty and '.' segments dropped, '..' resolved, as the
  // SDK and botocore normalize it), each segment URI-encoded once more on top of its wire encoding.
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(uriEncode(seg));
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

function canonicalQuery(raw: string, presigned: boolean): string {
  return encodedQuery(parseQuery(raw).filter(([k]) => !(presigned && k === 'X-Amz-Signature')));
}

/**
 * The payload hash the canonical request ends with. S3 signs the hash it declares in
 * x-amz-content-sha256 (UNSIGNED-PAYLOAD and the STREAMING-* forms included, presigned URLs always
 * UNSIGNED-PAYLOAD); when the gateway holds the body (DeleteObjects) a declared hex hash must be the
 * body's, as S3 checks it. Every other service hashes the body itself: a declared header is not
 * trusted, or a body changed after signing would verify against the hash it claims.
 */
function payloadHash(req: SignedRequest, auth: Authorization): string {
  const body = req.body ?? Buffer.alloc(0);
  if (auth.service !== 's3') return sha256Hex(body);
  if (auth.presigned) return 'UNSIGNED-PAYLOAD';
  const declared = one(req.headers['x-amz-content-sha256']);
  if (declared === undefined) return sha256Hex(body);
  if (req.body && /^[0-9a-f]{64}$/.test(declared) && declared !== sha256Hex(req.body)) {
    throw new AuthError('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  return declared;
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
  const canonical = canonicalRequest(
    req.method.toUpperCase(),
    canonicalUri(req.path, auth.service),
    canonicalQuery(req.rawQuery, auth.presigned),
    auth.signedHeaders,
    (h) => one(req.headers[h]) ?? '',
    payloadHash(req, auth),
  );
  const toSign = stringToSign(auth.amzDate, scopeOf(auth.date, auth.region, auth.service), canonical);
  const expected = signatureOf(signingKey(secret, auth.date, auth.region, auth.service), toSign);
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

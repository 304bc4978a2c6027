import { canonicalQuery, canonicalRequest, credentialScope, SIGV4_ALGORITHM, signatureOf, signingKey, stringToSign } from '../../../core/sigv4';

/**
 * Signature Version 4 header signing for the wire's own requests (wire.ts): the SDK's SignatureV4
 * (@smithy/signature-v4) for the one case the wire sends — an S3 path already encoded as signed, the
 * payload hash declared in `x-amz-content-sha256` — with the signing key derived once per day,
 * region and secret rather than once per request. In a fresh process the SDK's signer cost about
 * 0.1 ms of CPU per request (four HMAC objects, a cloned request, its garbage), a tenth of what a
 * 100 KiB object costs in all. The arithmetic is core/sigv4.ts, the one the local IAM gateway
 * verifies with. test/cli/sigv4.test.ts holds this signer to the SDK's: identical headers for
 * random requests, credentials, session tokens and dates.
 */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  /** Encoded exactly as it goes on the wire (S3 signs the path as sent). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names; must include `host` and `x-amz-content-sha256`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Never signed, as in the SDK's signer (ALWAYS_UNSIGNABLE_HEADERS, proxy-* and sec-*). */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);
const UNSIGNABLE_PATTERN = /^(proxy|sec)-/;

export class SigV4Signer {
  private cached?: { readonly secret: string; readonly date: string; readonly value: Buffer };

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /** The headers to send: the request's own plus `x-amz-date`, the session token if any, and `authorization`. */
  sign(req: SignableRequest, credentials: SigningCredentials, now: Date): Record<string, string> {
    const longDate = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    const shortDate = longDate.slice(0, 8);
    const headers: Record<string, string> = { ...req.headers, 'x-amz-date': longDate };
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const payloadHash = headers['x-amz-content-sha256'];
    if (!payloadHash) throw new Error('sigv4: x-amz-content-sha256 is required');
    const signed = Object.keys(headers)
      .filter((name) => !UNSIGNABLE.has(name) && !UNSIGNABLE_PATTERN.test(name))
      .sort();
    // A signature parameter in the query is never signed.
    const query = canonicalQuery(Object.entries(req.query).filter(([k]) => k.toLowerCase() !== 'x-amz-signature'));
    const canonical = canonicalRequest(req.method, req.path, query, signed, (name) => headers[name] as string, payloadHash);
    const scope = credentialScope(shortDate, this.region, this.service);
    const signature = signatureOf(this.key(credentials.secretAccessKey, shortDate), stringToSign(longDate, scope, canonical)).toString('hex');
    headers.authorization = `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
    return headers;
  }

  /** The signing key, kept while the day and the secret stay the same. */
  private key(secret: string, date: string): Buffer {
    if (this.cached?.secret === secret && this.cached.date === date) return this.cached.value;
    const value = signingKey(secret, date, this.region, this.service);
    this.cached = { secret, date, value };
    return value;
  }
}

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthError, SignedRequest, parseAuthorization, verifySignature } from '../../local/iam/sigv4';
import { awsCliPresign, botocoreRequests } from './sigv4/botocore';
import { AKID, BUCKET, CaptureServer, Captured, ODD_KEYS, REGION, SECRET } from './sigv4/capture';
import { rawSignerRequest, sdkRequests } from './sigv4/sdk';

/**
 * Signature verification against the real signers, as classes of input: every request the SDK v3
 * (S3 path unescaped with x-amz-content-sha256; other services with the body hash), the S3 presigner
 * and botocore (the AWS CLI's signer, and one `aws s3 presign`) produce for each odd key verifies;
 * the same request with any one element changed does not; time windows and malformed authorization
 * give their own codes. Requests are captured by a loopback server in this process, so what is
 * verified is what went over the wire.
 */

// The capture server and the signers (SDK v3 and smithy in ./sigv4/sdk.ts, botocore and the AWS CLI in
// ./sigv4/botocore.ts) are modules of their own; every test below reads the requests captured once in beforeAll.

// ---------------------------------------------------------------- helpers

function verify(req: SignedRequest, secret = SECRET, now?: number): void {
  const auth = parseAuthorization(req);
  if (!auth) throw new Error('unsigned');
  verifySignature(req, auth, secret, now);
}

function codeOf(f: () => void): string {
  try {
    f();
    return 'verified';
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}

const isS3 = (r: SignedRequest) => (parseAuthorization(r)?.service ?? '') === 's3';
const isPresigned = (r: SignedRequest) => /(^|&)X-Amz-Signature=/.test(r.rawQuery);

/** One element changed at a time: each variant must no longer verify. */
function tampered(r: Captured): Array<[string, SignedRequest]> {
  const out: Array<[string, SignedRequest]> = [];
  out.push(['method', { ...r, method: r.method === 'PUT' ? 'POST' : 'PUT' }]);
  out.push(['path', { ...r, path: r.path === '/' ? '/x' : `${r.path}x` }]);
  if (/[a-z]/.test(r.path)) out.push(['path letter case', { ...r, path: r.path.replace(/[a-z]/, (c) => c.toUpperCase()) }]);
  const params = r.rawQuery ? r.rawQuery.split('&') : [];
  // A request parameter if there is one, else the expiry (changing the scope or date is Malformed, not a mismatch).
  const own = params.findIndex((p) => !p.startsWith('X-Amz-'));
  const victim = own >= 0 ? own : params.findIndex((p) => p.startsWith('X-Amz-Expires='));
  if (victim >= 0) {
    const changed = params.map((p, i) => (i === victim ? (p.includes('=') ? `${p}0` : `${p}=0`) : p));
    out.push([`query param ${params[victim]?.split('=')[0]}`, { ...r, rawQuery: changed.join('&') }]);
  }
  out.push(['added query param', { ...r, rawQuery: r.rawQuery ? `${r.rawQuery}&versionId=other` : 'versionId=other' }]);
  const signed = parseAuthorization(r)?.signedHeaders ?? [];
  for (const h of signed.filter((x) => x !== 'x-amz-date')) {
    const v = r.headers[h];
    out.push([`signed header ${h}`, { ...r, headers: { ...r.headers, [h]: `${Array.isArray(v) ? v.join(',') : (v ?? '')}0` } }]);
  }
  if (!isS3(r) && r.body.length) out.push(['body', { ...r, body: Buffer.concat([r.body, Buffer.from(' ')]) }]);
  if (isS3(r) && !isPresigned(r) && r.method === 'POST' && r.body.length) {
    // DeleteObjects: the gateway reads this body to authorize each key, so it must be the signed one.
    out.push(['DeleteObjects body', { ...r, body: Buffer.from(r.body.toString('utf8').replace('<Key>', '<Key>z')) }]);
  }
  return out;
}

// ---------------------------------------------------------------- tests

let all: Captured[] = [];

const server = new CaptureServer();
let tmpHome = '';

beforeAll(async () => {
  tmpHome = mkdtempSync(join(tmpdir(), 'sigv4-test-'));
  await server.start();
  const [sdk, boto, cliUrl, raw] = [await sdkRequests(server), await botocoreRequests(server, tmpHome), await awsCliPresign(server, tmpHome), await rawSignerRequest()];
  all = [...sdk, ...boto, cliUrl, raw];
}, 90_000);

afterAll(async () => {
  await server.close();
  rmSync(tmpHome, { recursive: true, force: true });
});

describe('requests signed by the real signers verify', () => {
  test('every signer produced each class of request', () => {
    const labels = all.map((r) => r.label);
    for (const who of ['sdk', 'cli']) {
      for (const op of ['PutObject', 'GetObject', 'CopyObject', 'DeleteObjects', 'ListObjectsV2', 'presigned GetObject', 'DynamoDB PutItem', 'SNS Publish', 'SQS SendMessage', 'KMS Encrypt', 'SSM GetParameter', 'EventBridge PutEvents']) {
        expect(labels.filter((l) => l.startsWith(`${who} ${op}`)).length).toBeGreaterThan(0);
      }
      for (const key of ODD_KEYS) expect(labels).toContain(`${who} GetObject ${JSON.stringify(key)}`);
    }
    expect(labels.some((l) => l.startsWith('aws s3 presign'))).toBe(true);
  });

  test('each one verifies with the right secret', () => {
    const failures = all.filter((r) => codeOf(() => verify(r)) !== 'verified').map((r) => `${r.label}: ${codeOf(() => verify(r))} ${r.method} ${r.path}?${r.rawQuery}`);
    expect(failures).toEqual([]);
    expect(all.length).toBeGreaterThan(ODD_KEYS.length * 12);
  });

  test('odd keys arrive in the path as each client encodes them, and still verify', () => {
    const getPaths = all.filter((r) => /^(sdk|cli) GetObject /.test(r.label)).map((r) => r.path);
    expect(getPaths.some((p) => p.includes('%2A') && p.includes('%27') && p.includes('%28'))).toBe(true);
    expect(getPaths.some((p) => p.includes('%2B'))).toBe(true);
    expect(getPaths.some((p) => p.includes('%20'))).toBe(true);
  });
});

describe('one element changed → SignatureDoesNotMatch', () => {
  test('method, path, query parameter, each signed header, body (non-S3) and secret', () => {
    const wrong: string[] = [];
    for (const r of all) {
      for (const [what, t] of tampered(r)) {
        const code = codeOf(() => verify(t));
        if (code !== 'SignatureDoesNotMatch') wrong.push(`${r.label} / ${what}: ${code}`);
      }
      const code = codeOf(() => verify(r, `${SECRET}x`));
      if (code !== 'SignatureDoesNotMatch') wrong.push(`${r.label} / secret: ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  test('a non-S3 body changed under a declared x-amz-content-sha256 still fails (the body is hashed, not the claim)', () => {
    const r = all.find((x) => x.label === 'sdk DynamoDB PutItem') as Captured;
    const body = Buffer.from(r.body.toString('utf8').replace('ns#', 'other#'));
    // The attacker keeps the headers; adding a content-sha256 header the request never signed is no help.
    expect(codeOf(() => verify({ ...r, body, headers: { ...r.headers, 'x-amz-content-sha256': createHash('sha256').update(r.body).digest('hex') } }))).toBe('SignatureDoesNotMatch');
  });
});

describe('time windows', () => {
  const signedAt = (r: SignedRequest) => {
    const d = (parseAuthorization(r)?.amzDate ?? '').replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
    return Date.parse(d);
  };

  test('header-signed requests: skew over 15 minutes either way → Skewed; within → verifies', () => {
    for (const r of all.filter((x) => !isPresigned(x))) {
      const t = signedAt(r);
      expect([r.label, codeOf(() => verify(r, SECRET, t + 16 * 60_000))]).toEqual([r.label, 'Skewed']);
      expect([r.label, codeOf(() => verify(r, SECRET, t - 16 * 60_000))]).toEqual([r.label, 'Skewed']);
      expect([r.label, codeOf(() => verify(r, SECRET, t + 14 * 60_000))]).toEqual([r.label, 'verified']);
    }
  });

  test('presigned URLs: valid until X-Amz-Expires, Expired after, Skewed when signed > 15 min in the future', () => {
    for (const r of all.filter(isPresigned)) {
      const t = signedAt(r);
      const expires = Number(new URLSearchParams(r.rawQuery).get('X-Amz-Expires'));
      expect([r.label, codeOf(() => verify(r, SECRET, t + expires * 1000 - 1000))]).toEqual([r.label, 'verified']);
      expect([r.label, codeOf(() => verify(r, SECRET, t + expires * 1000 + 1000))]).toEqual([r.label, 'Expired']);
      expect([r.label, codeOf(() => verify(r, SECRET, t - 16 * 60_000))]).toEqual([r.label, 'Skewed']);
    }
  });

  test('X-Amz-Expires over 7 days, zero, negative or not a number → Malformed', () => {
    const r = all.find((x) => x.label.startsWith('sdk presigned GetObject')) as Captured;
    for (const bad of ['604801', '0', '-5', 'abc', '1.5']) {
      const rawQuery = r.rawQuery.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${bad}`);
      expect([bad, codeOf(() => verify({ ...r, rawQuery }))]).toEqual([bad, 'Malformed']);
    }
    expect(codeOf(() => verify({ ...r, rawQuery: r.rawQuery.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800') }))).toBe('SignatureDoesNotMatch');
  });
});

describe('malformed authorization → Malformed', () => {
  const base = () => all.find((x) => x.label === 'sdk GetObject "plain.txt"') as Captured;
  const withAuth = (authorization: string, extra: IncomingHttpHeaders = {}): SignedRequest => ({ ...base(), headers: { ...base().headers, authorization, ...extra } });
  const sig = 'a'.repeat(64);
  const date = () => String(base().headers['x-amz-date']).slice(0, 8);

  test.each([
    ['another algorithm', () => `AWS4-HMAC-SHA512 Credential=${AKID}/${date()}/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=${sig}`],
    ['SigV2', () => `AWS ${AKID}:c2lnbmF0dXJl`],
    ['no Signature', () => `AWS4-HMAC-SHA256 Credential=${AKID}/${date()}/${REGION}/s3/aws4_request, SignedHeaders=host`],
    ['scope of four parts', () => `AWS4-HMAC-SHA256 Credential=${AKID}/${date()}/${REGION}/aws4_request, SignedHeaders=host, Signature=${sig}`],
    ['scope of six parts', () => `AWS4-HMAC-SHA256 Credential=${AKID}/${date()}/${REGION}/s3/extra/aws4_request, SignedHeaders=host, Signature=${sig}`],
    ['wrong terminator', () => `AWS4-HMAC-SHA256 Credential=${AKID}/${date()}/${REGION}/s3/aws5_request, SignedHeaders=host, Signature=${sig}`],
    ['empty access key', () => `AWS4-HMAC-SHA256 Credential=/${date()}/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=${sig}`],
    ['scope date not YYYYMMDD', () => `AWS4-HMAC-SHA256 Credential=${AKID}/2024-01-01/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=${sig}`],
    ['scope date another day than X-Amz-Date', () => `AWS4-HMAC-SHA256 Credential=${AKID}/19990101/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=${sig}`],
  ])('%s', (_name, header) => {
    expect(codeOf(() => parseAuthorization(withAuth(header())))).toBe('Malformed');
  });

  test('X-Amz-Date missing or not ISO 8601 basic', () => {
    const good = String(base().headers.authorization);
    expect(codeOf(() => parseAuthorization(withAuth(good, { 'x-amz-date': undefined })))).toBe('Malformed');
    expect(codeOf(() => parseAuthorization(withAuth(good, { 'x-amz-date': '2024-01-01T00:00:00Z' })))).toBe('Malformed');
  });

  test('presigned URL with a malformed credential, algorithm or signature', () => {
    const r = all.find((x) => x.label.startsWith('sdk presigned GetObject')) as Captured;
    const cases: Array<[string, string]> = [
      ['algorithm', r.rawQuery.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA1')],
      ['credential', r.rawQuery.replace(/X-Amz-Credential=[^&]+/, `X-Amz-Credential=${AKID}%2F2024`)],
      ['date', r.rawQuery.replace(/X-Amz-Date=[^&]+/, 'X-Amz-Date=yesterday')],
      ['signature', r.rawQuery.replace(/X-Amz-Signature=[^&]+/, 'X-Amz-Signature=zz')],
    ];
    for (const [what, rawQuery] of cases) expect([what, codeOf(() => parseAuthorization({ ...r, rawQuery }))]).toEqual([what, 'Malformed']);
  });

  test('unsigned requests are not an authorization at all', () => {
    expect(parseAuthorization({ method: 'GET', path: `/${BUCKET}/k`, rawQuery: 'versionId=1', headers: { host: 'h' } })).toBeUndefined();
  });
});
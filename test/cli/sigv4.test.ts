/**
 * The wire's SigV4 signer (cli/blob/transfer/sigv4.ts) against the SDK's own (@smithy/signature-v4,
 * configured as the SDK's S3 client configures it: the path signed as sent, the declared payload
 * hash): for random requests of the shapes the wire sends, and random credentials and dates, both
 * must produce exactly the same headers. The wire's requests are also verified end to end by the
 * IAM gateway (test/cli/wire*.test.ts) and by MiniStack with AUTH=true (test/ministack).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Sha256Node } from '@smithy/core/checksum';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { SigV4Signer, type SigningCredentials } from '../../cli/blob/transfer/sigv4';

/** A small seeded PRNG (mulberry32), so a failure names the case that reproduces it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', '/', '+', '=', '&', '%', '~', '*', "'", '(', '!', 'ü', '€', '日', '😀', '.', '-', '_', ':', '@', '?', '#', '\t'];

function text(r: () => number, max: number, alphabet = ALPHABET): string {
  let s = '';
  for (let n = Math.floor(r() * max); n > 0; n--) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

interface Case {
  readonly method: 'GET' | 'PUT';
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly date: Date;
}

function randomCase(seed: number): Case {
  const r = rng(seed);
  const key = text(r, 40) || 'k';
  const method = r() < 0.5 ? 'GET' : 'PUT';
  const query: Record<string, string> = {};
  if (r() < 0.3) query.versionId = text(r, 20);
  if (method === 'PUT' && r() < 0.4) Object.assign(query, { partNumber: String(1 + Math.floor(r() * 10000)), uploadId: text(r, 30) });
  const headers: Record<string, string> = {
    host: r() < 0.5 ? '127.0.0.1:4566' : 'bucket.s3.eu-central-1.amazonaws.com',
    'x-amz-content-sha256': createHash('sha256').update(String(seed)).digest('hex'),
  };
  const ascii = ALPHABET.filter((c) => c.charCodeAt(0) < 0x7f);
  if (method === 'GET') {
    if (r() < 0.7) headers.range = `bytes=${Math.floor(r() * 1e9)}-${Math.floor(r() * 1e9)}`;
    if (r() < 0.4) headers['if-match'] = `"${randomBytes(16).toString('hex')}"`;
  } else {
    headers['content-length'] = String(Math.floor(r() * 1e8));
    if (r() < 0.5) headers['content-type'] = `  text/plain;   charset=${text(r, 6, ascii)}  `;
    if (r() < 0.5) headers['x-amz-tagging'] = `a=${text(r, 5, ascii)}&b=c`;
    if (r() < 0.3) headers['x-amz-storage-class'] = 'STANDARD_IA';
    if (r() < 0.3) headers['if-none-match'] = '*';
    for (let i = Math.floor(r() * 3); i > 0; i--) headers[`x-amz-meta-${text(r, 8, ['a', 'b', '1', '-']) || 'm'}`] = text(r, 20, ascii);
  }
  // Headers neither signer may sign.
  if (r() < 0.2) headers['user-agent'] = 'test/1.0';
  if (r() < 0.2) headers['proxy-authorization'] = 'x';
  if (r() < 0.2) headers['sec-fetch-mode'] = 'cors';
  const credentials: SigningCredentials = {
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    ...(r() < 0.5 ? { sessionToken: randomBytes(60).toString('base64') } : {}),
  };
  return {
    method,
    path: `/${['bucket', ...key.split('/')].map(extendedEncodeURIComponent).join('/')}`,
    query,
    headers,
    credentials,
    region: ['us-east-1', 'eu-central-1', 'ap-southeast-2'][Math.floor(r() * 3)] as string,
    date: new Date(Date.UTC(2015, 0, 1) + Math.floor(r() * 15 * 365 * 86400e3)),
  };
}

async function sdkHeaders(c: Case): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: c.credentials, region: c.region, service: 's3', sha256: Sha256Node, uriEscapePath: false, applyChecksum: false });
  const signed = await signer.sign({ method: c.method, protocol: 'https:', hostname: 'h', path: c.path, query: c.query, headers: c.headers }, { signingDate: c.date });
  return signed.headers;
}

describe('the wire signer signs exactly as the SDK signer does', () => {
  it.each(Array.from({ length: 400 }, (_, i) => i + 1))('random request #%i', async (seed) => {
    const c = randomCase(seed);
    const ours = new SigV4Signer(c.region, 's3').sign(c, c.credentials, c.date);
    expect(ours).toEqual(await sdkHeaders(c));
  });

  it('a cached signing key is dropped when the day or the secret changes', async () => {
    const c = randomCase(7);
    const signer = new SigV4Signer(c.region, 's3');
    const nextDay = new Date(c.date.getTime() + 86400e3);
    const rotated = { ...c.credentials, secretAccessKey: `${c.credentials.secretAccessKey}x` };
    for (const [credentials, date] of [
      [c.credentials, c.date],
      [c.credentials, nextDay],
      [rotated, nextDay],
      [c.credentials, c.date],
    ] as const) {
      expect(signer.sign(c, credentials, date)).toEqual(await sdkHeaders({ ...c, credentials, date }));
    }
  });

  it('refuses a request without a declared payload hash (the SDK would hash a body the wire never gives it)', () => {
    const c = randomCase(3);
    const { 'x-amz-content-sha256': _omitted, ...headers } = c.headers;
    expect(() => new SigV4Signer(c.region, 's3').sign({ ...c, headers }, c.credentials, c.date)).toThrow(/x-amz-content-sha256/);
  });
});

/**
 * The loopback server the signature tests capture requests with, so that what is verified is what
 * went over the wire, and the credentials, region, bucket and odd keys every signer signs with.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignedRequest } from '../../../local/iam/sigv4';

export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const AKID = 'AKIDSIGV4TEST';
export const REGION = 'eu-central-1';
export const BUCKET = 'blob-dev-storage-000000000000-eu-central-1';

/** Keys whose encodings differ between encoders: spaces, unicode, sub-delims, percent, reserved. */
export const ODD_KEYS = [
  'plain.txt',
  'with space/and  two.txt',
  'unicode/naïve-日本語-😀.json',
  'plus+sign+',
  'tilde~star*quote\'paren(x)!',
  'percent%41literal%',
  'question?mark#hash&amp=eq;semi',
  'ctrl\u0001tab\tnewline\n',
  'dir/ends-with-slash/',
  'dots/./and/../x',
  `long/${'k'.repeat(1019)}`,
];

export interface Captured extends SignedRequest {
  readonly body: Buffer;
  readonly label: string;
}

function reply(req: IncomingMessage, res: ServerResponse): void {
  const target = req.headers['x-amz-target'];
  if (target) {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
  } else {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(req.method === 'HEAD' ? undefined : '<?xml version="1.0" encoding="UTF-8"?><Result/>');
  }
}

/** Records every request it receives, labelled by the x-test-label header or the current label. */
export class CaptureServer {
  readonly captured: Captured[] = [];
  label = '';
  endpoint = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        this.captured.push({
          label: normalLabel((req.headers['x-test-label'] as string | undefined) ?? this.label),
          method: req.method ?? 'GET',
          path: q < 0 ? url : url.slice(0, q),
          rawQuery: q < 0 ? '' : url.slice(q + 1),
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        reply(req, res);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Runs `send` and returns the request(s) it put on the wire. */
  async capture(name: string, send: () => Promise<unknown>): Promise<Captured[]> {
    const before = this.captured.length;
    this.label = name;
    await send().catch(() => undefined); // responses are stubs; only the request matters
    return this.captured.slice(before).map((c) => ({ ...c, label: name }));
  }
}

/** botocore's labels carry the key as Python's json.dumps wrote it (ASCII escapes); ours as JSON.stringify does. */
export function normalLabel(l: string): string {
  return l.replace(/ (".*")$/, (_m, j: string) => ` ${JSON.stringify(JSON.parse(j))}`);
}

/** A presigned URL as a client would send it (GET, host header only). */
export function fromUrl(name: string, url: string, method = 'GET'): Captured {
  const u = new URL(url);
  const raw = url.slice(url.indexOf(u.host) + u.host.length);
  const q = raw.indexOf('?');
  return { label: name, method, path: q < 0 ? raw : raw.slice(0, q), rawQuery: q < 0 ? '' : raw.slice(q + 1), headers: { host: u.host }, body: Buffer.alloc(0) };
}

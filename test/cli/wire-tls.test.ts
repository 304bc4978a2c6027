import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { MotoServer, startMoto } from '../support/moto';
import { blob, cliEnv, createVersionedBucket, ensureBlobBuilt, s3For } from './blob-harness';

/**
 * The lean data path over TLS, as the real CLI runs it against an https endpoint: `put` (Node's
 * https client) and `get` (tls.connect with a reused `onread` buffer, wire-socket.ts) through a
 * TLS-terminating recorder in front of moto, trusted by the fixture certificate via
 * NODE_EXTRA_CA_CERTS. Asserts the bytes, that the data requests were the wire's (no SDK headers),
 * and that kept-alive TLS connections carried more than one request.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'tls');
const BUCKET = 'wire-tls';
const MiB = 1024 * 1024;

interface Seen {
  readonly method: string;
  readonly sdk: boolean;
  readonly connection: number;
}

let moto: MotoServer;
let s3: S3Client;
let server: Server;
let endpoint: string;
const seen: Seen[] = [];
let connections = 0;

beforeAll(async () => {
  ensureBlobBuilt();
  moto = await startMoto();
  s3 = s3For(moto.endpoint);
  await createVersionedBucket(s3, BUCKET);
  const upstream = new URL(moto.endpoint);
  server = createServer({ key: readFileSync(join(FIXTURES, 'localhost.key')), cert: readFileSync(join(FIXTURES, 'localhost.crt')) }, (req, res) => {
    const id = (req.socket as unknown as { id: number }).id;
    seen.push({ method: req.method ?? '', sdk: 'amz-sdk-invocation-id' in req.headers || 'x-amz-user-agent' in req.headers, connection: id });
    const up = httpRequest({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      // moto closes after every answer; real S3 keeps connections alive, and so does this recorder.
      const headers = { ...answer.headers };
      delete headers.connection;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    req.pipe(up);
  });
  server.on('secureConnection', (socket) => Object.assign(socket, { id: ++connections }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://localhost:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  server?.close();
  s3?.destroy();
  await moto?.stop();
});

const env = (): Record<string, string | undefined> => ({ ...cliEnv(endpoint), NODE_EXTRA_CA_CERTS: join(FIXTURES, 'localhost.crt'), AWS_CA_BUNDLE: undefined });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('put and get of a multi-range object over https: exact bytes, wire requests, TLS connections reused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wire-tls-'));
  const body = randomBytes(20 * MiB + 3); // multipart up (8 MiB parts), an 8 MiB probe and one more range down
  writeFileSync(join(dir, 'in.bin'), body);
  seen.length = 0;
  const put = await blob(['put', join(dir, 'in.bin'), `s3://${BUCKET}/big.bin`], { env: env() });
  expect(put.stderr).toBe('');
  expect(put.code).toBe(0);
  const puts = seen.filter((s) => s.method === 'PUT');
  expect(puts.length).toBe(3);
  expect(puts.every((s) => !s.sdk)).toBe(true);

  seen.length = 0;
  const get = await blob(['get', `s3://${BUCKET}/big.bin`, join(dir, 'out.bin'), '--concurrency', '1'], { env: env() });
  expect(get.code).toBe(0);
  expect(sha(readFileSync(join(dir, 'out.bin')))).toBe(sha(body));
  const gets = seen.filter((s) => s.method === 'GET');
  expect(gets.length).toBe(2);
  expect(gets.every((s) => !s.sdk)).toBe(true);
  // One range at a time: the second GET goes out on the kept-alive TLS connection of the first.
  expect(new Set(gets.map((s) => s.connection)).size).toBe(1);

  seen.length = 0;
  const stdout = await blob(['get', `s3://${BUCKET}/big.bin`, '-'], { env: env() });
  expect(stdout.code).toBe(0);
  expect(seen.filter((s) => s.method === 'GET').every((s) => !s.sdk)).toBe(true);
});

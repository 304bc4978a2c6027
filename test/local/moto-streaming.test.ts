import {
  ChecksumAlgorithm,
  ChecksumType,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { clientConfig } from '../../core/aws-config';
import { ROOT } from '../../local/paths';
import { freePort, MotoServer, startMoto } from '../support/moto';

/**
 * local/emulator/moto_streaming.py answers GETs from a view of the stored value (streamed, sliced for
 * Range) and completes multipart uploads without concatenating the parts in memory. These tests put
 * the same objects into the local copy's emulator and into plain moto (`python -m moto.server`, no
 * patches) and require the same answers: status, body bytes, ETag, Content-Range, Content-Length
 * and the checksum headers, for full, ranged and part GETs, and the same CompleteMultipartUpload
 * results for every checksum flavour. moto_upload.py's body reading and storing (one buffer per
 * body, large values straight to the spool file, their MD5 taken while stored) is covered by the
 * same comparisons, overwritten keys included.
 */
const MiB = 1024 * 1024;
const BUCKET = 'streaming';

function bytes(size: number, seed: number): Buffer {
  // Deterministic, not repeating at any power-of-two period (a shifted slice would not match).
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function startPlainMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(join(ROOT, '.venv', 'bin', 'python'), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      if (tries > 300 || child.exitCode !== null) throw new Error(`plain moto did not start on ${endpoint}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { endpoint, port, stop: async () => void (child.kill('SIGKILL'), await exited) };
}

const s3For = (endpoint: string) =>
  new S3Client({
    ...clientConfig({ endpoint, region: 'eu-central-1' }),
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    forcePathStyle: true,
  });

interface Servers {
  patched: MotoServer;
  plain: MotoServer;
  clients: S3Client[];
}
let servers: Servers;

const small = bytes(1000, 7);
const rolled = bytes(7 * MiB + 13, 11);
const parts = [bytes(5 * MiB, 21), bytes(5 * MiB + 3, 22), bytes(MiB + 5, 23)];
const multipartFlavours: Array<{ key: string; algorithm?: ChecksumAlgorithm; type?: ChecksumType }> = [
  { key: 'mp-default' },
  { key: 'mp-crc32', algorithm: ChecksumAlgorithm.CRC32 },
  { key: 'mp-sha256', algorithm: ChecksumAlgorithm.SHA256 },
  { key: 'mp-sha1', algorithm: ChecksumAlgorithm.SHA1 },
  { key: 'mp-crc32-full', algorithm: ChecksumAlgorithm.CRC32, type: ChecksumType.FULL_OBJECT },
];
const completions: Record<string, unknown[]> = {};

async function multipart(s3: S3Client, flavour: (typeof multipartFlavours)[number]): Promise<unknown> {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: flavour.key, ChecksumAlgorithm: flavour.algorithm, ChecksumType: flavour.type }),
  );
  const done = [];
  for (const [i, body] of parts.entries()) {
    const up = await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: flavour.key, UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: flavour.algorithm }),
    );
    done.push({ PartNumber: i + 1, ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32, ChecksumSHA256: up.ChecksumSHA256, ChecksumSHA1: up.ChecksumSHA1 });
  }
  const res = await s3.send(
    new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: flavour.key, UploadId, MultipartUpload: { Parts: done }, ChecksumType: flavour.type }),
  );
  return { ETag: res.ETag, CRC32: res.ChecksumCRC32, SHA256: res.ChecksumSHA256, SHA1: res.ChecksumSHA1, CRC64: res.ChecksumCRC64NVME, type: res.ChecksumType };
}

beforeAll(async () => {
  const [patched, plain] = await Promise.all([startMoto(), startPlainMoto()]);
  servers = { patched, plain, clients: [s3For(patched.endpoint), s3For(plain.endpoint)] };
  for (const s3 of servers.clients) {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'small', Body: small, ChecksumAlgorithm: ChecksumAlgorithm.SHA256 }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'rolled', Body: rolled, ChecksumAlgorithm: ChecksumAlgorithm.CRC32 }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: Buffer.alloc(0) }));
    // Overwritten large and small, so an ETag remembered from an earlier value would show (moto_upload.py).
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'rewritten', Body: bytes(6 * MiB, 41) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'rewritten', Body: bytes(9 * MiB + 1, 42) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shrunk', Body: bytes(6 * MiB, 43) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shrunk', Body: bytes(100, 44) }));
    for (const flavour of multipartFlavours) (completions[flavour.key] ??= []).push(await multipart(s3, flavour));
    // moto closes the parts' files when it deletes a completed upload: the object reads from its own
    // descriptors of them (moto_segments.py), through copies, deletes and overwrites.
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'mp-copy', CopySource: `${BUCKET}/mp-crc32` }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'mp-copy' }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'mp-copy-kept', CopySource: `${BUCKET}/mp-sha1` }));
    await multipart(s3, { key: 'mp-overwritten' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'mp-overwritten', Body: bytes(6 * MiB, 45) }));
  }
}, 90_000);
afterAll(async () => {
  for (const s3 of servers?.clients ?? []) s3.destroy();
  await Promise.all([servers?.patched.stop(), servers?.plain.stop()]);
});

/** What a client sees of one GET: status, the fields that describe the body, and the body's hash. */
async function answer(s3: S3Client, key: string, range?: string, partNumber?: number): Promise<Record<string, unknown>> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range, PartNumber: partNumber, ChecksumMode: 'ENABLED' }));
    const body = Buffer.from(await res.Body!.transformToByteArray());
    return {
      status: res.$metadata.httpStatusCode,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      ...Object.fromEntries(
        Object.entries(res).filter(([name]) => ['ETag', 'ContentRange', 'ContentLength', 'ChecksumType', 'PartsCount'].includes(name) || name.startsWith('Checksum')),
      ),
    };
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode };
  }
}

/** The body of a GET through the patched emulator. */
async function body(key: string, range?: string): Promise<Buffer> {
  const res = await servers.clients[0]!.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

const ranges = ['bytes=0-99', 'bytes=100-', 'bytes=-500', 'bytes=5242000-5243000', 'bytes=10-5', 'bytes=999999999-', 'bytes=0-', 'bytes=0-1,5-6', 'bytes=abc'];
const [patchedS3, plainS3] = [() => servers.clients[0]!, () => servers.clients[1]!];

// Plain moto materialises an 11 MiB multipart value per request, so the checksum flavours get the
// full GET and one range; every range shape runs on one object of each storage kind.
test.each([
  ...['small', 'rolled', 'empty', 'mp-default'].map((key) => ({ key, shapes: ranges })),
  ...['rewritten', 'shrunk', 'mp-copy-kept', 'mp-overwritten', 'mp-copy'].map((key) => ({ key, shapes: ['bytes=5242000-5243000'] })),
  ...multipartFlavours.slice(1).map((f) => ({ key: f.key, shapes: ['bytes=5242000-5243000'] })),
])('GET $key: full, ranged and part answers match plain moto', async ({ key, shapes }) => {
  const requests: Array<[string | undefined, number | undefined]> = [[undefined, undefined], [undefined, 1], ...shapes.map((r): [string, undefined] => [r, undefined])];
  for (const [range, part] of requests) {
    const [patched, plain] = await Promise.all([answer(patchedS3(), key, range, part), answer(plainS3(), key, range, part)]);
    expect({ key, range, part, ...patched }).toEqual({ key, range, part, ...plain });
  }
});

test('the bodies are the stored bytes: a range across a part boundary and the whole multipart object', async () => {
  const whole = Buffer.concat(parts);
  expect((await body('mp-crc32', 'bytes=5242000-5243000')).equals(whole.subarray(5242000, 5243001))).toBe(true);
  expect((await body('mp-default')).equals(whole)).toBe(true);
  expect((await body('rolled', `bytes=${rolled.length - 3 * MiB}-`)).equals(rolled.subarray(rolled.length - 3 * MiB))).toBe(true);
  expect((await body('small')).equals(small)).toBe(true);
});

test('CompleteMultipartUpload answers (ETag, checksum and its type) match plain moto for every checksum flavour', () => {
  for (const flavour of multipartFlavours) {
    const [patched, plain] = completions[flavour.key]!;
    expect({ key: flavour.key, ...(patched as object) }).toEqual({ key: flavour.key, ...(plain as object) });
  }
});

test('an object overwritten while a GET streams it: the reader gets the old bytes whole', async () => {
  const s3 = servers.clients[0]!;
  const before = bytes(9 * MiB, 31);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'swap', Body: before }));
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'swap' }));
  const stream = res.Body as AsyncIterable<Buffer>;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (chunks.length === 0) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'swap', Body: bytes(9 * MiB, 32) }));
    chunks.push(chunk);
  }
  expect(Buffer.concat(chunks).equals(before)).toBe(true);
});

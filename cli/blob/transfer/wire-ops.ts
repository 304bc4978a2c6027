import { GetObjectCommand, type GetObjectCommandOutput, PutObjectCommand, type PutObjectCommandInput, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { createHash, webcrypto } from 'node:crypto';
import type { Readable } from 'node:stream';
import { viaWire, type WireRequest } from './wire';

/**
 * GetObject, PutObject and UploadPart as the transfer layer uses them, over the wire (wire.ts) with
 * the SDK as the fallback that owns every error. Only the fields the transfer layer reads are
 * returned, from either path.
 */
export interface GetParams {
  readonly Bucket: string;
  readonly Key: string;
  readonly VersionId?: string;
  readonly Range?: string;
  readonly IfMatch?: string;
}

export interface GetOutput {
  readonly Body: Readable;
  readonly ContentLength?: number;
  readonly ContentRange?: string;
  readonly ETag?: string;
  readonly VersionId?: string;
}

export async function getObject(s3: S3Client, p: GetParams, signal?: AbortSignal): Promise<GetOutput> {
  return viaWire(
    s3,
    async (wire) => {
      const res = await wire.send(getRequest(p, signal));
      return { Body: res, ...headOf(res.headers) };
    },
    async () => {
      const out = await s3.send(new GetObjectCommand(p), { abortSignal: signal });
      return { Body: out.Body as Readable, ...headOfOutput(out) };
    },
    signal,
  );
}

/** The response fields a ranged read needs. */
export type GetHead = Omit<GetOutput, 'Body'>;

/** Receives a body's bytes in order, synchronously; `buf[start, end)` is only valid during the call. */
export type TakeBytes = (buf: Uint8Array, start: number, end: number, offset: number) => void;

/**
 * A GET whose body is handed to `take` as it arrives: off the socket's own read buffer on the wire,
 * from the SDK's stream otherwise. If the wire fails part-way, the SDK repeats the request and
 * `take` sees offsets from 0 again, so a consumer must place bytes by `offset` (never append).
 * `onHead` learns the 2xx answer's head before its first body byte (once per attempt, so it may be
 * called twice; a body-less answer resolves without it).
 */
export async function getRangeInto(s3: S3Client, p: GetParams, take: TakeBytes, signal?: AbortSignal, onHead?: (head: GetHead) => void): Promise<GetHead> {
  return viaWire(
    s3,
    async (wire) => {
      let told = false;
      const head = await wire.getInto(getRequest(p, signal), (h, buf, s, e, off) => {
        if (!told && onHead) onHead(headOf(h.headers));
        told = true;
        take(buf, s, e, off);
      });
      return headOf(head.headers);
    },
    async () => {
      const out = await s3.send(new GetObjectCommand(p), { abortSignal: signal });
      onHead?.(headOfOutput(out));
      let off = 0;
      for await (const chunk of out.Body as Readable) {
        const c = chunk as Uint8Array;
        take(c, 0, c.length, off);
        off += c.length;
      }
      return headOfOutput(out);
    },
    signal,
  );
}

/** PutObject of an in-memory body (`Body` a Buffer) with the headers upload.ts sets. */
export async function putObject(s3: S3Client, p: PutObjectCommandInput & { readonly Body: Buffer }, signal?: AbortSignal): Promise<{ ETag?: string; VersionId?: string }> {
  return viaWire<{ ETag?: string; VersionId?: string }>(
    s3,
    async (wire) => {
      const metadata = Object.fromEntries(Object.entries(p.Metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k.toLowerCase()}`, v]));
      const res = await wire.send({
        method: 'PUT',
        bucket: p.Bucket as string,
        key: p.Key as string,
        headers: {
          'content-type': p.ContentType,
          'x-amz-tagging': p.Tagging,
          'x-amz-storage-class': p.StorageClass,
          'if-match': p.IfMatch,
          'if-none-match': p.IfNoneMatch,
          ...metadata,
        },
        body: p.Body,
        payloadSha256: await sha256Hex(p.Body),
        signal,
      });
      res.resume();
      return { ETag: header(res.headers, 'etag'), VersionId: header(res.headers, 'x-amz-version-id') };
    },
    () => s3.send(new PutObjectCommand(p), { abortSignal: signal }),
    signal,
  );
}

export async function uploadPart(
  s3: S3Client,
  p: { readonly Bucket: string; readonly Key: string; readonly UploadId: string; readonly PartNumber: number; readonly Body: Buffer },
  signal?: AbortSignal,
): Promise<{ ETag?: string }> {
  return viaWire<{ ETag?: string }>(
    s3,
    async (wire) => {
      const res = await wire.send({
        method: 'PUT',
        bucket: p.Bucket,
        key: p.Key,
        query: { partNumber: String(p.PartNumber), uploadId: p.UploadId },
        body: p.Body,
        payloadSha256: await sha256Hex(p.Body),
        signal,
      });
      res.resume();
      return { ETag: header(res.headers, 'etag') };
    },
    () => s3.send(new UploadPartCommand({ ...p, ContentLength: p.Body.length }), { abortSignal: signal }),
    signal,
  );
}

/** The wire form of a GetObject (used by both of the wire's GET paths). */
function getRequest(p: GetParams, signal?: AbortSignal): WireRequest & { readonly method: 'GET' } {
  return { method: 'GET', bucket: p.Bucket, key: p.Key, query: { versionId: p.VersionId }, headers: { range: p.Range, 'if-match': p.IfMatch }, signal };
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** GetHead from response headers (Node's IncomingMessage or wire-socket's RawHead). */
function headOf(headers: Headers): GetHead {
  const length = header(headers, 'content-length');
  return { ContentLength: length === undefined ? undefined : Number(length), ContentRange: header(headers, 'content-range'), ETag: header(headers, 'etag'), VersionId: header(headers, 'x-amz-version-id') };
}

/** GetHead from the SDK's GetObject output. */
function headOfOutput(out: GetObjectCommandOutput): GetHead {
  return { ContentLength: out.ContentLength, ContentRange: out.ContentRange, ETag: out.ETag, VersionId: out.VersionId };
}

/** Large bodies are hashed on the thread pool (WebCrypto), so the main thread keeps moving bytes. */
async function sha256Hex(body: Buffer): Promise<string> {
  if (body.length < 1024 * 1024) return createHash('sha256').update(body).digest('hex');
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', body)).toString('hex');
}

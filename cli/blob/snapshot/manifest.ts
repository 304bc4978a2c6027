import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { CliError, EXIT } from '../../shared/cli-errors';
import { uploadStream } from '../transfer/upload';
import { Entry } from './history';
import { manifestKey, snapshotFolder } from './keys';

/**
 * A snapshot manifest: NDJSON stored at `<prefix>.snapshots/<name>.ndjson`. Line 1 is the header,
 * then one Entry per object in S3 key order (what restore, fork and diff merge-join against), then
 * a trailer with the totals, so a truncated manifest is detected rather than restored from.
 */
export interface ManifestHeader {
  readonly snapshot: 1;
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The instant the snapshot describes. */
  readonly at: string;
  /** Every version stays restorable at least until then (see restorableUntil). */
  readonly restorable_until: string;
}

export interface ManifestTrailer {
  readonly end: true;
  readonly objects: number;
  readonly bytes: number;
}

export interface Totals {
  objects: number;
  bytes: number;
}

/**
 * Streams `entries` into the manifest with a multipart upload (memory stays at the upload's part
 * budget whatever the count). If-None-Match: * keeps two snapshots from taking one name.
 */
export async function writeManifest(s3: S3Client, header: ManifestHeader, entries: AsyncIterable<Entry>): Promise<Totals & { key: string }> {
  const totals: Totals = { objects: 0, bytes: 0 };
  async function* lines(): AsyncGenerator<Buffer> {
    let batch = `${JSON.stringify(header)}\n`;
    for await (const e of entries) {
      totals.objects++;
      totals.bytes += e.size;
      batch += `${JSON.stringify(e)}\n`;
      if (batch.length >= 256 * 1024) {
        yield Buffer.from(batch);
        batch = '';
      }
    }
    const trailer: ManifestTrailer = { end: true, ...totals };
    yield Buffer.from(`${batch}${JSON.stringify(trailer)}\n`);
  }
  const key = manifestKey(header.prefix, header.name);
  await uploadStream(s3, lines(), {
    bucket: header.bucket,
    key,
    contentType: 'application/x-ndjson',
    conditions: { IfNoneMatch: '*' },
  });
  return { ...totals, key };
}

export class Manifest {
  constructor(
    readonly header: ManifestHeader,
    private readonly rest: AsyncIterator<string>,
    /** Stops reading (entries() does so itself when it ends). */
    readonly close: () => void,
  ) {}

  /** The entries in key order; throws if the manifest ends without its trailer. */
  async *entries(): AsyncGenerator<Entry> {
    try {
      for (let r = await this.rest.next(); !r.done; r = await this.rest.next()) {
        if (!r.value.trim()) continue;
        const rec = JSON.parse(r.value) as Entry | ManifestTrailer;
        if ('end' in rec) return;
        yield rec;
      }
      throw new CliError(`snapshot "${this.header.name}" is truncated (no trailer)`, EXIT.FAILURE, 'take a new snapshot; this one cannot be trusted');
    } finally {
      this.close();
    }
  }
}

/** Opens a manifest for streaming: the header now, the entries as they are read. */
export async function openManifest(s3: S3Client, bucket: string, prefix: string, name: string): Promise<Manifest> {
  const key = manifestKey(prefix, name);
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) {
      throw new CliError(`no snapshot "${name}" of s3://${bucket}/${prefix}`, EXIT.NOT_FOUND, `list them with blob snapshot list s3://${bucket}/${prefix}`);
    }
    throw err;
  });
  const body = res.Body as Readable;
  const lines = createInterface({ input: body, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  const header = (first.done ? undefined : JSON.parse(first.value)) as ManifestHeader | undefined;
  if (header?.snapshot !== 1) {
    body.destroy();
    throw new CliError(`s3://${bucket}/${key} is not a snapshot manifest`, EXIT.FAILURE, 'it was not written by blob snapshot create');
  }
  return new Manifest(header, lines, () => body.destroy());
}

/** Snapshot names of a prefix, in key order (oldest first for the default, time-based names). */
export async function* listManifests(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<{ name: string; size: number; created: string }> {
  const folder = snapshotFolder(prefix);
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, Delimiter: '/', ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const name = (o.Key ?? '').slice(folder.length);
      if (!name.endsWith('.ndjson')) continue;
      yield { name: name.slice(0, -'.ndjson'.length), size: o.Size ?? 0, created: o.LastModified?.toISOString() ?? '' };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

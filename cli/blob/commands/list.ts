import { GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, _Object } from '@aws-sdk/client-s3';
import { CliError, EXIT } from '../../shared/cli-errors';
import { mapPool } from '../transfer/pool';
import { stripQuotes } from '../transfer/hash';
import { NdjsonWriter, writeOut } from '../../shared/output';
import { BlobContext } from '../context';
import { parseSince } from '../since';
import { refuseVersion } from '../s3-uri';
import { storeRelativeKey } from '../../shared/logical-stores';

export interface ListFlags {
  recursive?: boolean;
  since?: string;
  format?: string;
  metadata?: boolean;
  withMetadata?: boolean;
}

export interface ListedObject {
  key: string;
  size: number;
  last_modified: string | null;
  etag: string;
  storage_class: string;
  content_type?: string | null;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
}

const FORMATS = ['json', 'jsonl', 'keys', 'table'] as const;
type Format = (typeof FORMATS)[number];

export { parseSince };

function parseFormat(input: string | undefined): Format {
  const f = (input ?? 'json').toLowerCase();
  if (!(FORMATS as readonly string[]).includes(f)) throw new CliError(`unknown --format "${input}"`, EXIT.USAGE, `use one of ${FORMATS.join(', ')}`);
  return f as Format;
}

async function describe(s3: S3Client, bucket: string, o: _Object, withHead: boolean, withTags: boolean, store?: string): Promise<ListedObject> {
  const base: ListedObject = {
    // Through a logical store the store is the "bucket": keys are relative to it, so s3://<store>/$key round-trips.
    key: storeRelativeKey(store, o.Key!),
    size: o.Size ?? 0,
    last_modified: o.LastModified?.toISOString() ?? null,
    etag: stripQuotes(o.ETag),
    storage_class: o.StorageClass ?? 'STANDARD',
  };
  const [head, tags] = await Promise.all([
    withHead ? s3.send(new HeadObjectCommand({ Bucket: bucket, Key: o.Key! })).catch(notFoundAsUndefined) : undefined,
    withTags ? s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: o.Key! })).catch(notFoundAsUndefined) : undefined,
  ]);
  if (withHead) {
    base.content_type = head?.ContentType ?? null;
    base.metadata = head?.Metadata ?? {};
  }
  if (withTags) base.tags = Object.fromEntries((tags?.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  return base;
}

/** An object deleted between the listing and its HEAD is reported without metadata, not as a failure. */
function notFoundAsUndefined(err: unknown): undefined {
  if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
  throw err;
}

export interface ListQuery {
  readonly recursive: boolean;
  readonly since?: Date;
  /** One HEAD per object for content type and metadata. */
  readonly withHead: boolean;
  readonly withTags: boolean;
}

export interface ListPage {
  readonly objects: ListedObject[];
  readonly prefixes: string[];
}

/** One ListObjectsV2 page at a time, described: callers stream or stop early with bounded memory. */
export async function* listPages(s3: S3Client, loc: { bucket: string; key: string; store?: string }, q: ListQuery): AsyncGenerator<ListPage> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.key, ContinuationToken: token, ...(q.recursive ? {} : { Delimiter: '/' }) }),
    );
    const prefixes = (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [storeRelativeKey(loc.store, p.Prefix)] : []));
    const objects = (page.Contents ?? []).filter((o) => !q.since || (o.LastModified && o.LastModified >= q.since));
    const { withHead, withTags } = q;
    yield { objects: await mapPool(objects, 16, (o) => describe(s3, loc.bucket, o, withHead, withTags, loc.store)), prefixes };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export async function list(ctx: BlobContext, prefix: string, flags: ListFlags): Promise<void> {
  const format = parseFormat(flags.format);
  const since = await parseSince(flags.since);
  const loc = refuseVersion(await ctx.location(prefix), prefix, 'a listed prefix');
  const s3 = await ctx.s3();
  const recursive = flags.recursive !== false;
  // Metadata costs one HEAD per object, so only the JSON formats (which scripts feed to jq) fetch it.
  const withHead = (format === 'json' || format === 'jsonl') && (flags.metadata !== false || !!flags.withMetadata);
  const withTags = !!flags.withMetadata;
  const out = new NdjsonWriter();
  const prefixes: string[] = [];
  let first = true;
  let rows: ListedObject[] = [];
  if (format === 'json') await out.writeRaw('{\n  "objects": [');
  for await (const page of listPages(s3, loc, { recursive, ...(since ? { since } : {}), withHead, withTags })) {
    prefixes.push(...page.prefixes);
    for (const d of page.objects) {
      if (format === 'json') {
        await out.writeRaw(`${first ? '\n' : ',\n'}    ${JSON.stringify(d)}`);
        first = false;
      } else if (format === 'jsonl') await out.write(d);
      else if (format === 'keys') await out.writeRaw(`${d.key}\n`);
      else rows.push(d);
    }
    if (format === 'table' && rows.length) {
      await out.writeRaw(table(rows));
      rows = [];
    }
  }
  if (format === 'json') {
    await out.writeRaw(`${first ? '' : '\n  '}],\n  "prefixes": ${JSON.stringify(prefixes)}\n}\n`);
  } else if (format === 'keys' || format === 'table') {
    for (const p of prefixes) await out.writeRaw(format === 'keys' ? `${p}\n` : `${''.padEnd(24)} ${'PRE'.padStart(12)} ${''.padEnd(12)} ${p}\n`);
  } else {
    for (const p of prefixes) await out.write({ prefix: p });
  }
  await out.flush();
  await writeOut('');
}

function table(rows: readonly ListedObject[]): string {
  return rows.map((r) => `${(r.last_modified ?? '').padEnd(24)} ${String(r.size).padStart(12)} ${r.storage_class.padEnd(12)} ${r.key}\n`).join('');
}

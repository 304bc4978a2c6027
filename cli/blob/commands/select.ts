import { GetObjectCommand, HeadObjectCommand, S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { AsyncBuffer } from 'hyparquet';
import { endpointFromEnvironment } from '../../../core/aws-config';
import { CliError, EXIT } from '../../shared/cli-errors';
import type { S3Location } from '../s3-uri';
import type { Row } from '../select/evaluate';
import {
  csvRows,
  InputFormat,
  InputFormatError,
  jsonRows,
  OutputRecord,
  parquetRows,
  parseQuery,
  pushdownSafe,
  Query,
  runQuery,
  referencedColumns,
  requireColumns,
  SqlError,
  UnknownColumnError,
} from '../select';
import { flushStdout, NdjsonWriter } from '../../shared/output';
import { BlobContext } from '../context';

export interface SelectFlags {
  format?: InputFormat;
  output?: 'jsonl' | 'json' | 'csv';
  engine?: 'auto' | 's3' | 'client';
  delimiter?: string;
  header?: boolean;
}

const EXTENSIONS: Record<string, InputFormat> = { csv: 'csv', tsv: 'csv', json: 'json', jsonl: 'jsonl', ndjson: 'jsonl', parquet: 'parquet' };

export function inputFormatFor(key: string, given: InputFormat | undefined): InputFormat {
  if (given) return given;
  const ext = /\.([a-z0-9]+)(?:\.gz)?$/i.exec(key)?.[1]?.toLowerCase();
  const f = ext ? EXTENSIONS[ext] : undefined;
  if (!f) throw new CliError(`cannot tell the input format of "${key}"`, EXIT.USAGE, 'pass --format csv|json|jsonl|parquet');
  return f;
}

/** A validated select: the query, the object and how to read it (bad input fails before any output). */
export interface SelectPlan {
  readonly sql: string;
  readonly query: Query;
  readonly loc: S3Location;
  readonly format: InputFormat;
  readonly csv: { delimiter: string; header: boolean };
  readonly engine: 'auto' | 's3' | 'client';
  readonly s3: S3Client;
}

export async function select(ctx: BlobContext, key: string, sql: string, flags: SelectFlags): Promise<void> {
  const plan = await planSelect(ctx, key, sql, flags);
  const out = outputWriter(flags.output ?? 'jsonl');
  try {
    await runSelect(ctx, plan, (r) => out.write(r));
  } finally {
    await out.end();
    await flushStdout();
  }
}

export async function planSelect(ctx: BlobContext, key: string, sql: string, flags: SelectFlags): Promise<SelectPlan> {
  let query: Query;
  try {
    query = parseQuery(sql);
  } catch (err) {
    if (err instanceof SqlError) throw new CliError(`invalid SQL: ${err.message}`, EXIT.USAGE, 'write e.g. SELECT * FROM s3object s WHERE s.level = \'ERROR\' LIMIT 10');
    throw err;
  }
  const loc = await ctx.object(key);
  const format = inputFormatFor(loc.key, flags.format);
  const delimiter = flags.delimiter ?? (loc.key.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  if (delimiter.length !== 1 && delimiter !== '\\t') throw new CliError(`invalid --delimiter "${delimiter}"`, EXIT.USAGE, 'give one character');
  const delim = delimiter === '\\t' ? '\t' : delimiter;
  // SelectObjectContent has no VersionId: S3 Select would silently read the current version.
  if (loc.versionId && flags.engine === 's3') throw new CliError('S3 Select cannot read a specific version', EXIT.USAGE, 'drop --engine s3 (the client engine reads that version)');
  const s3 = await ctx.s3();
  return { sql, query, loc, format, csv: { delimiter: delim, header: flags.header !== false }, engine: flags.engine ?? 'auto', s3 };
}

/**
 * Streams the plan's result records to `sink`; a sink returning false stops the client engine early
 * (blob mcp's bound). Records already emitted are never repeated by a fallback.
 */
export async function runSelect(ctx: BlobContext, plan: SelectPlan, sink: (r: OutputRecord) => Promise<boolean | void>): Promise<void> {
  const { sql, query, loc, format, engine, s3 } = plan;
  let emitted = 0;
  const emit = async (r: OutputRecord): Promise<boolean | void> => {
    emitted++;
    return sink(r);
  };
  try {
    // auto pushes down only to AWS itself: S3-compatible endpoints and emulators implement S3 Select
    // partly (moto returns wrong rows for plain SELECT *), and a wrong answer is worse than a slow one.
    const onAws = !(ctx.options.endpoint ?? endpointFromEnvironment('s3'));
    if (engine === 's3' || (engine === 'auto' && onAws && !loc.versionId && pushdownSafe(query, format))) {
      try {
        await viaS3Select(s3, loc, sql, format, plan.csv, query.limit, async (r) => void (await emit(r)));
        return;
      } catch (err) {
        // Not available here (S3 Select is closed to new accounts; emulators implement it partly):
        // the client engine gives the same answer, unless records were already printed.
        if (engine === 's3' || emitted > 0) throw err;
        if (process.env.BLOB_DEBUG) process.stderr.write(`blob: S3 Select unavailable (${(err as Error).name}: ${(err as Error).message}); evaluating on the client\n`);
      }
    }
    for await (const r of runQuery(query, await rowsOf(s3, loc, format, query, plan.csv))) if ((await emit(r)) === false) break;
  } catch (err) {
    if (err instanceof SqlError) throw new CliError(`invalid SQL: ${err.message}`, EXIT.USAGE, 'see blob select --help');
    if (err instanceof InputFormatError) throw new CliError(`${loc.key}: ${err.message}`, EXIT.USAGE, `check --format (used: ${format})`);
    if (err instanceof UnknownColumnError) throw new CliError(`${loc.key}: ${err.message}`, EXIT.USAGE, 'check the column names (blob select KEY "SELECT * FROM s3object LIMIT 1" shows them)');
    throw err;
  }
}

/** The object's rows, refusing a query that names a column the data does not have. */
async function rowsOf(s3: S3Client, loc: S3Location, format: InputFormat, q: Query, csv: { delimiter: string; header: boolean }) {
  const v = loc.versionId ? { VersionId: loc.versionId } : {};
  let schema: { names: string[]; kind: 'header' | 'schema' } | undefined;
  const checked = (rows: AsyncIterable<Row>) => requireColumns(rows, referencedColumns(q), () => schema);
  if (format === 'parquet') return checked(parquetRows(await s3AsyncBuffer(s3, loc), q.columns, (names) => (schema = { names, kind: 'schema' })));
  const res = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v }));
  const body = res.Body as Readable;
  const stream = /gzip/i.test(res.ContentEncoding ?? '') || loc.key.endsWith('.gz') ? body.pipe((await import('node:zlib')).createGunzip()) : body;
  return checked(format === 'csv' ? csvRows(stream, { ...csv, onHeader: (names) => (schema = { names, kind: 'header' }) }) : jsonRows(stream));
}

/** Parquet's random access as S3 range reads: only the footer and the needed column chunks move. */
export async function s3AsyncBuffer(s3: S3Client, loc: S3Location): Promise<AsyncBuffer> {
  const v = loc.versionId ? { VersionId: loc.versionId } : {};
  const head = await s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v }));
  const byteLength = head.ContentLength ?? 0;
  // Pinned to the ETag so every range comes from the same object version.
  const pin = !loc.versionId && head.ETag ? { IfMatch: head.ETag } : {};
  return {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const last = (end ?? byteLength) - 1;
      if (last < start) return new ArrayBuffer(0);
      const res = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...v, ...pin, Range: `bytes=${start}-${last}` }));
      const bytes = await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

async function viaS3Select(
  s3: S3Client,
  loc: S3Location,
  sql: string,
  format: InputFormat,
  csv: { delimiter: string; header: boolean },
  limit: number | undefined,
  emit: (r: OutputRecord) => Promise<void>,
): Promise<void> {
  const input =
    format === 'csv'
      ? { CSV: { FileHeaderInfo: csv.header ? ('USE' as const) : ('NONE' as const), FieldDelimiter: csv.delimiter } }
      : { JSON: { Type: 'LINES' as const } };
  const res = await s3.send(
    new SelectObjectContentCommand({
      Bucket: loc.bucket,
      Key: loc.key,
      Expression: sql,
      ExpressionType: 'SQL',
      InputSerialization: { ...input, ...(loc.key.endsWith('.gz') ? { CompressionType: 'GZIP' as const } : {}) },
      OutputSerialization: { JSON: { RecordDelimiter: '\n' } },
    }),
  );
  let carry = '';
  let n = 0;
  for await (const ev of res.Payload ?? []) {
    if (!ev.Records?.Payload) continue;
    const text = carry + Buffer.from(ev.Records.Payload).toString('utf8');
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      await emit(JSON.parse(line) as OutputRecord);
      if (limit !== undefined && ++n >= limit) return;
    }
  }
  if (carry.trim()) await emit(JSON.parse(carry) as OutputRecord);
}

interface OutputWriter {
  write(r: OutputRecord): Promise<void>;
  end(): Promise<void>;
}

function outputWriter(kind: 'jsonl' | 'json' | 'csv'): OutputWriter {
  const w = new NdjsonWriter();
  if (kind === 'jsonl') return { write: (r) => w.write(r), end: () => w.flush() };
  if (kind === 'json') {
    let first = true;
    let started = false;
    return {
      async write(r) {
        started = true;
        await w.writeRaw(`${first ? '[\n' : ',\n'}${JSON.stringify(r)}`);
        first = false;
      },
      async end() {
        await w.writeRaw(started ? '\n]\n' : '[]\n');
        await w.flush();
      },
    };
  }
  let columns: string[] | undefined;
  return {
    async write(r) {
      if (!columns) {
        columns = Object.keys(r);
        await w.writeRaw(`${columns.map(csvField).join(',')}\n`);
      }
      await w.writeRaw(`${columns.map((c) => csvField(r[c] ?? null)).join(',')}\n`);
    },
    end: () => w.flush(),
  };
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

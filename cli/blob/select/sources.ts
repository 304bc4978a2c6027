import { parse as csvParse } from 'csv-parse';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AsyncBuffer } from 'hyparquet';
import type { Row } from './evaluate';

/**
 * Row streams for the engine, one per input format, each reading incrementally: CSV through
 * csv-parse, JSON Lines line by line, Parquet one row group at a time over range reads with only
 * the referenced columns decoded.
 */
export class InputFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFormatError';
  }
}

export interface CsvOptions {
  readonly delimiter?: string;
  /** First row names the columns (S3 Select's FileHeaderInfo USE); else columns are _1, _2, … */
  readonly header?: boolean;
  /** Called with the header's column names as soon as the header row is read. */
  readonly onHeader?: (names: string[]) => void;
}

export async function* csvRows(input: Readable, opts: CsvOptions = {}): AsyncGenerator<Row> {
  const header = opts.header !== false;
  const parser = input.pipe(
    csvParse({
      delimiter: opts.delimiter ?? ',',
      columns: header
        ? (names: string[]) => {
            opts.onHeader?.(names);
            return names;
          }
        : false,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
    }),
  );
  try {
    for await (const rec of parser as AsyncIterable<Record<string, string> | string[]>) {
      if (Array.isArray(rec)) {
        const row: Record<string, string> = {};
        rec.forEach((v, i) => (row[`_${i + 1}`] = v));
        yield row;
      } else yield rec;
    }
  } catch (err) {
    throw new InputFormatError(`input is not valid CSV: ${(err as Error).message}`);
  } finally {
    input.destroy();
  }
}

/** JSON Lines; a document that is one top-level array is accepted too, up to `maxArrayBytes`. */
export async function* jsonRows(input: Readable, maxArrayBytes = 64 * 1024 * 1024): AsyncGenerator<Row> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let arrayText: string[] | undefined;
  let arrayBytes = 0;
  try {
    for await (const line of lines) {
      n++;
      if (arrayText) {
        arrayBytes += line.length + 1;
        if (arrayBytes > maxArrayBytes) throw new InputFormatError(`a top-level JSON array over ${maxArrayBytes >> 20} MiB cannot be streamed; store the data as JSON Lines (one record per line)`);
        arrayText.push(line);
        continue;
      }
      const t = line.trim();
      if (!t) continue;
      if (n === 1 && t.startsWith('[')) {
        arrayText = [line];
        arrayBytes = line.length;
        continue;
      }
      let v: unknown;
      try {
        v = JSON.parse(t);
      } catch {
        throw new InputFormatError(`line ${n} is not valid JSON; the input must be JSON Lines (one record per line)`);
      }
      yield asRow(v);
    }
    if (arrayText) {
      let arr: unknown;
      try {
        arr = JSON.parse(arrayText.join('\n'));
      } catch {
        throw new InputFormatError('input starts with "[" but is not a valid JSON array');
      }
      for (const v of arr as unknown[]) yield asRow(v);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function asRow(v: unknown): Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : { _1: v };
}

/** Parquet rows, one row group at a time, decoding only `columns` (all when undefined). */
export async function* parquetRows(file: AsyncBuffer, columns: ReadonlySet<string> | undefined, onSchema?: (names: string[]) => void): AsyncGenerator<Row> {
  const { parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  let metadata;
  try {
    // A 64 KiB tail read holds a typical footer; hyparquet fetches more itself when it does not.
    metadata = await parquetMetadataAsync(file, { initialFetchSize: 64 * 1024 });
  } catch (err) {
    throw new InputFormatError(`input is not a Parquet file: ${(err as Error).message}`);
  }
  const available = parquetSchema(metadata).children.map((c) => c.element.name);
  onSchema?.(available);
  let selected: string[] | undefined;
  if (columns) {
    const byLower = new Map(available.map((n) => [n.toLowerCase(), n]));
    selected = [...new Set([...columns].map((c) => byLower.get(c.toLowerCase())).filter((c): c is string => !!c))];
  }
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const rowEnd = rowStart + Number(rg.num_rows);
    if (selected && selected.length === 0) {
      // Only COUNT(*)-style queries reference no stored column: rows need no decoding at all.
      for (let i = rowStart; i < rowEnd; i++) yield {};
    } else {
      const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, ...(selected ? { columns: selected } : {}) });
      for (const r of rows) yield r as Row;
    }
    rowStart = rowEnd;
  }
}

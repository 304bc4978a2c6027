import { SpaceSaving, TopValue } from './space-saving';

/**
 * Streaming CSV insights: fed one parsed record at a time, it keeps O(columns × TOP_CAPACITY)
 * state whatever the file size, so a 1 GB upload analyses in the same memory as a 1 KB one.
 */
export type ColumnType = 'empty' | 'integer' | 'number' | 'boolean' | 'date' | 'string';

export interface ColumnInsights {
  readonly name: string;
  /** The narrowest type every non-null value fits; `empty` when all values are null. */
  readonly type: ColumnType;
  readonly nullCount: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  /** Most frequent values (approximate beyond TOP_CAPACITY distinct values; see SpaceSaving). */
  readonly topValues?: TopValue[];
  /** Values seen per type, so a reader sees why a column fell back to string. */
  readonly typeCounts: Partial<Record<Exclude<ColumnType, 'empty'>, number>>;
}

export interface InvalidRowExample {
  /** 1-based record number including the header. */
  readonly record: number;
  readonly reason: string;
  readonly sample: string;
}

export interface CsvInsights {
  readonly columns: ColumnInsights[];
  readonly rowCount: number;
  readonly invalidRowCount: number;
  readonly invalidRowExamples: InvalidRowExample[];
}

export const TOP_CAPACITY = 64;
export const TOP_REPORTED = 5;
export const MAX_INVALID_EXAMPLES = 5;
/** Values are cut to this length before counting, so one huge cell cannot grow the state. */
export const MAX_TRACKED_VALUE_LENGTH = 200;
export const MAX_COLUMNS = 1000;
const NULLS = new Set(['', 'null', 'NULL', 'Null', 'NA', 'N/A', 'n/a', 'nan', 'NaN', 'None']);
const BOOLEANS = new Set(['true', 'false', 'TRUE', 'FALSE', 'True', 'False']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const INTEGER = /^[+-]?\d+$/;

export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** What a column counts its top values with (SpaceSaving, or its byte-keyed twin in byte-insights.ts). */
export interface TopCounter {
  add(value: string): void;
  top(n: number): TopValue[];
}

export class ColumnAccumulator {
  nulls = 0;
  integers = 0;
  numbers = 0;
  booleans = 0;
  dates = 0;
  strings = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  numericCount = 0;

  constructor(
    readonly name: string,
    readonly top: TopCounter = new SpaceSaving(TOP_CAPACITY),
  ) {}

  add(raw: string): void {
    // Most cells carry no surrounding space: skip trim()'s allocation for them.
    const v = raw.length > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(raw.length - 1) <= 32) ? raw.trim() : raw;
    // Every null spelling is at most 4 characters: longer values skip the set's hashing.
    if (v.length <= 4 && NULLS.has(v)) {
      this.nulls++;
      return;
    }
    const first = v.charCodeAt(0);
    // Cheap first-character gate: only digits, signs and dots can start a number.
    if ((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46) {
      const n = Number(v);
      if (Number.isFinite(n)) {
        if (INTEGER.test(v)) this.integers++;
        else this.numbers++;
        if (n < this.min) this.min = n;
        if (n > this.max) this.max = n;
        this.sum += n;
        this.numericCount++;
        return;
      }
      if (ISO_DATE.test(v)) {
        this.dates++;
        this.top.add(v.length > MAX_TRACKED_VALUE_LENGTH ? v.slice(0, MAX_TRACKED_VALUE_LENGTH) : v);
        return;
      }
    } else if (v.length <= 5 && BOOLEANS.has(v)) {
      this.booleans++;
      this.top.add(v === 'true' || v === 'false' ? v : v.toLowerCase());
      return;
    }
    this.strings++;
    this.top.add(v.length > MAX_TRACKED_VALUE_LENGTH ? v.slice(0, MAX_TRACKED_VALUE_LENGTH) : v);
  }

  type(): ColumnType {
    const numeric = this.integers + this.numbers;
    const nonNull = numeric + this.booleans + this.dates + this.strings;
    if (nonNull === 0) return 'empty';
    if (this.integers === nonNull) return 'integer';
    if (numeric === nonNull) return 'number';
    if (this.booleans === nonNull) return 'boolean';
    if (this.dates === nonNull) return 'date';
    return 'string';
  }

  result(): ColumnInsights {
    const type = this.type();
    const typeCounts = Object.fromEntries(
      (
        [
          ['integer', this.integers],
          ['number', this.numbers],
          ['boolean', this.booleans],
          ['date', this.dates],
          ['string', this.strings],
        ] as const
      ).filter(([, n]) => n > 0),
    );
    const numeric = type === 'integer' || type === 'number';
    return {
      name: this.name,
      type,
      nullCount: this.nulls,
      ...(numeric ? { min: this.min, max: this.max, mean: this.sum / this.numericCount } : {}),
      ...(!numeric && type !== 'empty' ? { topValues: this.top.top(TOP_REPORTED) } : {}),
      typeCounts,
    };
  }
}

/** Feed `header` once, then every record; `result()` at the end. */
export class CsvInsightsAccumulator {
  protected columns: ColumnAccumulator[] = [];
  protected rows = 0;
  private invalid = 0;
  private readonly examples: InvalidRowExample[] = [];

  header(cells: string[]): void {
    validateHeader(cells);
    this.columns = cells.map((c) => this.column(c.trim()));
  }

  protected column(name: string): ColumnAccumulator {
    return new ColumnAccumulator(name);
  }

  /** `record` is the 1-based record number (header = 1), for invalid-row examples. */
  row(cells: string[], record: number): void {
    const width = this.columns.length;
    if (cells.length !== width) {
      this.invalid++;
      if (this.examples.length < MAX_INVALID_EXAMPLES) {
        this.examples.push({
          record,
          reason: `expected ${width} columns, found ${cells.length}`,
          sample: cells.join(',').slice(0, MAX_TRACKED_VALUE_LENGTH),
        });
      }
      return;
    }
    this.rows++;
    for (let i = 0; i < width; i++) this.columns[i]!.add(cells[i]!);
  }

  result(): CsvInsights {
    if (this.columns.length === 0) throw new CsvFormatError('empty file: no header row; the first line must name the columns');
    return {
      columns: this.columns.map((c) => c.result()),
      rowCount: this.rows,
      invalidRowCount: this.invalid,
      invalidRowExamples: this.examples,
    };
  }
}

export function validateHeader(cells: string[]): void {
  const names = cells.map((c) => c.trim());
  if (names.length === 0 || names.every((n) => n === '')) {
    throw new CsvFormatError('no header row: the first line is empty; put the column names on the first line');
  }
  if (names.length > MAX_COLUMNS) throw new CsvFormatError(`too many columns: ${names.length} (limit ${MAX_COLUMNS})`);
  const blank = names.findIndex((n) => n === '');
  if (blank !== -1) throw new CsvFormatError(`header column ${blank + 1} has no name; name every column on the first line`);
  const numeric = names.filter((n) => Number.isFinite(Number(n)));
  if (numeric.length === names.length) {
    throw new CsvFormatError(`no header row: the first line (${names.slice(0, 5).join(',')}) is all numbers; add a line naming the columns`);
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new CsvFormatError(`duplicate header column "${n}"; column names must be unique`);
    seen.add(n);
  }
}

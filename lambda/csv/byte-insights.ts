import { ByteSpaceSaving } from './byte-top';
import { ColumnAccumulator, CsvInsightsAccumulator, MAX_TRACKED_VALUE_LENGTH, TOP_CAPACITY } from './insights';

/**
 * The insights accumulator fed straight from the input bytes. The string accumulator decoded every
 * line, split it into cell strings, ran Number(), two regular expressions and a Map lookup per
 * cell (~26 CPU-s per GiB of a typical CSV); here a cell is classified by one pass over its bytes
 * and counted by a byte-keyed SpaceSaving. Only the common shapes are decided from bytes: empty, a
 * null or boolean spelling, an integer or plain decimal of at most 15 digits (parsed exactly: an
 * integer below 2^53 divided by an exact power of ten is the correctly rounded double, as Number()
 * gives), a yyyy-mm-dd date and a string of at most MAX_TRACKED_VALUE_LENGTH bytes. Anything else
 * (surrounding space, exponents, long values, …) is decoded and handed to ColumnAccumulator.add, the
 * reference rules. test/pipelines/byte-insights.test.ts compares the two on random cells.
 */
const SMALL_LIMIT = 5;
/** Up to SMALL_LIMIT bytes as one exact number, so null and boolean spellings are a Set lookup. */
function smallKey(bytes: Uint8Array, start: number, end: number): number {
  let k = end - start;
  for (let i = start; i < end; i++) k = k * 256 + bytes[i]!;
  return k;
}
const keyOf = (s: string): number => smallKey(Buffer.from(s), 0, s.length);
const NULL_KEYS = new Set(['', 'null', 'NULL', 'Null', 'NA', 'N/A', 'n/a', 'nan', 'NaN', 'None'].map(keyOf));
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const BOOLEAN_KEYS = new Map<number, Buffer>([...['true', 'TRUE', 'True'].map((s) => [keyOf(s), TRUE] as const), ...['false', 'FALSE', 'False'].map((s) => [keyOf(s), FALSE] as const)]);
/** Exact powers of ten (literals: no pow() rounding to trust). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_EXACT_DIGITS = 15;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export class ByteColumnAccumulator extends ColumnAccumulator {
  private readonly counter: ByteSpaceSaving;

  constructor(name: string) {
    const counter = new ByteSpaceSaving(TOP_CAPACITY);
    super(name, counter);
    this.counter = counter;
  }

  /** The cell bytes[start, end), exactly as add() would count its UTF-8 decoding. */
  addBytes(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length === 0) {
      this.nulls++;
      return;
    }
    const first = bytes[start]!;
    if (first <= 32 || bytes[end - 1]! <= 32) return this.add(bytes.toString('utf8', start, end));
    if (isDigit(first) || first === 45 || first === 43 || first === 46) {
      if (!this.addNumber(bytes, start, end) && !this.addDate(bytes, start, end)) this.add(bytes.toString('utf8', start, end));
      return;
    }
    if (length <= SMALL_LIMIT) {
      const key = smallKey(bytes, start, end);
      if (NULL_KEYS.has(key)) {
        this.nulls++;
        return;
      }
      const bool = BOOLEAN_KEYS.get(key);
      if (bool) {
        this.booleans++;
        this.counter.addBytes(bool, 0, bool.length);
        return;
      }
    }
    if (length > MAX_TRACKED_VALUE_LENGTH) return this.add(bytes.toString('utf8', start, end));
    this.strings++;
    this.counter.addBytes(bytes, start, end);
  }

  /** [+-]digits or [+-]digits.digits with at most 15 digits; false for anything else. */
  private addNumber(bytes: Buffer, start: number, end: number): boolean {
    let i = start;
    const sign = bytes[i]!;
    if (sign === 45 || sign === 43) i++;
    let mantissa = 0;
    let digits = 0;
    let c = 0;
    while (i < end && isDigit((c = bytes[i]!))) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      i++;
    }
    let decimals = 0;
    if (i < end && c === 46 && digits > 0) {
      i++;
      while (i < end && isDigit((c = bytes[i]!))) {
        mantissa = mantissa * 10 + (c - 48);
        decimals++;
        i++;
      }
      if (decimals === 0) return false;
    }
    if (i !== end || digits === 0 || digits + decimals > MAX_EXACT_DIGITS) return false;
    const signed = sign === 45 ? -mantissa : mantissa;
    const n = decimals === 0 ? signed : signed / POW10[decimals]!;
    if (decimals === 0) this.integers++;
    else this.numbers++;
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
    this.sum += n;
    this.numericCount++;
    return true;
  }

  /** yyyy-mm-dd exactly (Number() of it is NaN and ISO_DATE matches it). */
  private addDate(bytes: Buffer, start: number, end: number): boolean {
    if (end - start !== 10 || bytes[start + 4] !== 45 || bytes[start + 7] !== 45) return false;
    if (!isDigit(bytes[start]!) || !isDigit(bytes[start + 1]!) || !isDigit(bytes[start + 2]!) || !isDigit(bytes[start + 3]!)) return false;
    if (!isDigit(bytes[start + 5]!) || !isDigit(bytes[start + 6]!) || !isDigit(bytes[start + 8]!) || !isDigit(bytes[start + 9]!)) return false;
    this.dates++;
    this.counter.addBytes(bytes, start, end);
    return true;
  }
}

/**
 * CsvInsightsAccumulator that also takes whole runs of plain lines as bytes (CsvSplitter's byte
 * path: no quote among them, '\n' or '\r\n'-terminated) and numbers the records itself.
 */
export class ByteInsightsAccumulator extends CsvInsightsAccumulator {
  /** Records seen so far (header = 1), for invalid-row examples and error messages. */
  record = 0;
  /** Lines consumed by takeLines, empty ones included (the splitter counts lines for csv-parse's messages). */
  linesTaken = 0;
  private bytes: ByteColumnAccumulator[] = [];
  private cuts = new Int32Array(1);

  protected override column(name: string): ColumnAccumulator {
    return new ByteColumnAccumulator(name);
  }

  /** One record of cells (the splitter's string path). */
  push(cells: string[]): void {
    this.record++;
    if (this.record === 1) this.header(cells);
    else this.row(cells, this.record);
  }

  override header(cells: string[]): void {
    super.header(cells);
    this.bytes = this.columns as ByteColumnAccumulator[];
    this.cuts = new Int32Array(this.bytes.length + 1);
  }

  /**
   * Takes the lines of buf[start, end) (each ending in '\n', or '\r\n' when `crlf`; no '"' among
   * them) as records, stopping before one longer than maxLine bytes or holding any other CR (the
   * text path counts those as csv-parse does); returns where it stopped.
   */
  takeLines(buf: Buffer, start: number, end: number, maxLine: number, crlf: boolean): number {
    const columns = this.bytes;
    const width = columns.length;
    const cuts = this.cuts;
    const crs = crlf ? 1 : 0;
    let pos = start;
    while (pos < end) {
      // cuts[k] is where cell k starts; cuts[width] one past the line's content.
      let i = pos;
      let commas = 0;
      let cr = 0;
      let c: number;
      cuts[0] = pos;
      while ((c = buf[i]!) !== 10) {
        if (c === 44) {
          if (++commas < width) cuts[commas] = i + 1;
        } else if (c === 13) cr++;
        i++;
      }
      if (i - pos > maxLine || cr !== crs || (crlf && buf[i - 1] !== 13)) return pos;
      const stop = i - crs;
      this.linesTaken++;
      if (stop > pos) {
        if (commas + 1 === width && this.record > 0) {
          this.record++;
          this.rows++;
          cuts[width] = stop + 1;
          for (let k = 0; k < width; k++) columns[k]!.addBytes(buf, cuts[k]!, cuts[k + 1]! - 1);
        } else {
          this.push(buf.toString('utf8', pos, stop).split(','));
        }
      }
      pos = i + 1;
    }
    return pos;
  }
}

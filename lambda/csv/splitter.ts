import { CsvError, Parser } from 'csv-parse';
import { StringDecoder } from 'node:string_decoder';

/**
 * A streaming CSV record splitter that gives exactly csv-parse's records for the options the
 * analysis uses (bom, relax_column_count, skip_empty_lines, max_record_size; default `,` and `"`),
 * at a fraction of its cost: csv-parse walks every byte through a general state machine (~34
 * CPU-s per GiB here); a line without quotes is one indexOf and one split(',').
 *
 * Only the canonical forms take the fast path: unquoted fields without `"`, and fields quoted from
 * their first to their last character with `""` escapes. Anything else (a stray quote, a record
 * that could reach max_record_size, a quoted record alone on its line) hands the rest of the stream
 * to csv-parse itself from that record's first character, with the record delimiter it would have
 * discovered; its errors then say the same thing, the line number shifted by the lines before the
 * handover. test/pipelines/csv-splitter.test.ts compares records and errors with csv-parse.
 *
 * With a LineSink, chunks of a '\n' or '\r\n' file that hold no quote skip the text decoding too:
 * their complete lines go to the sink as bytes (up to a line with a CR that is not part of the
 * delimiter), the partial last line is carried as bytes, and anything else returns to the text path
 * with the carried bytes in front.
 */
type Push = (cells: string[]) => void;

/** Takes runs of plain lines as bytes (ByteInsightsAccumulator.takeLines). */
export interface LineSink {
  /** Lines taken so far, empty ones included. */
  readonly linesTaken: number;
  /**
   * Takes the lines of buf[start, end), each ending in '\n' ('\r\n' when crlf), up to one longer
   * than maxLine bytes or holding any other CR; returns where it stopped.
   */
  takeLines(buf: Buffer, start: number, end: number, maxLine: number, crlf: boolean): number;
}

interface SyncParser {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
}

const NEED_MORE = 0;
const INVALID = -1;

export class CsvSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** Lines before `pending` as csv-parse counts them (one per record delimiter or other CR or LF). */
  private linesBefore = 0;
  private delimiter = '';
  private started = false;
  /** Whether any record was taken from the stream (a handover after that must not strip a BOM). */
  private consumed = false;
  private quotes = false;
  private strays = false;
  private handedOver: SyncParser | undefined;
  private record: string[] = [];
  private recordEnd = 0;

  /** The byte path's partial last line; undefined on the text path. */
  private carry: Buffer | undefined;
  /** The decoder holds no partial character (the last byte it got was ASCII). */
  private decoderEmpty = true;

  constructor(
    private readonly push: Push,
    private readonly maxRecordBytes: number,
    private readonly lines?: LineSink,
  ) {}

  write(chunk: Buffer): void {
    if (this.lines && this.bytePath(chunk)) return this.writeBytes(chunk);
    this.toText(this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]));
  }

  end(): void {
    if (this.carry !== undefined) this.toText(this.carry);
    this.feed(this.decoder.end(), true);
  }

  private toText(bytes: Buffer): void {
    this.carry = undefined;
    if (bytes.length) this.decoderEmpty = (bytes[bytes.length - 1] as number) < 0x80;
    this.feed(this.decoder.write(bytes), false);
  }

  /** Whether `chunk` may take the byte path (entering it moves the pending text into the carry). */
  private bytePath(chunk: Buffer): boolean {
    if (this.handedOver || (this.delimiter !== '\n' && this.delimiter !== '\r\n') || chunk.includes(34)) return false;
    if (this.carry !== undefined) return true;
    if (!this.decoderEmpty || this.pending.includes('"')) return false;
    this.carry = Buffer.from(this.pending);
    this.pending = '';
    return true;
  }

  private writeBytes(chunk: Buffer): void {
    const safe = Math.floor(this.maxRecordBytes / 3);
    let start = 0;
    if (this.carry!.length) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry!, chunk]);
        if (this.carry.length > safe) this.toText(this.carry);
        return;
      }
      const first = Buffer.concat([this.carry!, chunk.subarray(0, nl + 1)]);
      if (this.take(first, 0, first.length, safe) < first.length) return this.toText(Buffer.concat([first, chunk.subarray(nl + 1)]));
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    const stop = last < start ? start : this.take(chunk, start, last + 1, safe);
    if (stop < last + 1) return this.toText(chunk.subarray(stop));
    this.carry = Buffer.from(chunk.subarray(last + 1));
    if (this.carry.length > safe) this.toText(this.carry);
  }

  /** The sink takes lines from buf[start, end); counts them as csv-parse would; returns where it stopped. */
  private take(buf: Buffer, start: number, end: number, safe: number): number {
    const sink = this.lines!;
    const before = sink.linesTaken;
    const stop = sink.takeLines(buf, start, end, safe, this.delimiter === '\r\n');
    this.linesBefore += sink.linesTaken - before;
    if (stop > start) this.consumed = true;
    return stop;
  }

  private feed(text: string, eof: boolean): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.handedOver) return this.toParser(text, eof);
    this.pending = this.pending.length ? this.pending + text : text;
    this.quotes ||= text.includes('"');
    this.strays ||= this.delimiter !== '\n' || text.includes('\r');
    this.split(eof);
  }

  private split(eof: boolean): void {
    const text = this.pending;
    // Lines of canonical records are at most this long; longer ones are csv-parse's to measure.
    const safe = Math.floor(this.maxRecordBytes / 3);
    let pos = 0;
    while (pos < text.length) {
      const nl = this.delimiter === '' ? -1 : text.indexOf(this.delimiter, pos);
      const stop = nl === -1 ? text.length : nl;
      if (this.delimiter === '' || (this.quotes && text.slice(pos, stop).includes('"'))) {
        // The first record (its delimiter is discovered) or one with quotes: the careful path.
        const end = this.scanRecord(text, pos, eof);
        if (end === NEED_MORE && text.length - pos <= safe) break;
        const empty = this.record.length === 1 && this.record[0] === '';
        if (end <= 0 || end - pos > safe || (empty && text.charCodeAt(pos) === 34)) return this.handOver(text.slice(pos), eof);
        // csv-parse counts a record delimiter as one line, every other CR or LF character as one.
        this.linesBefore += countLineBreaks(text, pos, end) - (this.endsWithDelimiter(text, end) ? this.delimiter.length - 1 : 0);
        if (!empty) this.push(this.record);
        pos = end;
        continue;
      }
      if (stop - pos > safe || (nl === -1 && !eof)) {
        if (stop - pos > safe) return this.handOver(text.slice(pos), eof);
        break;
      }
      const line = text.slice(pos, stop);
      if (this.strays) this.linesBefore += countLineBreaks(line, 0, line.length);
      if (line.length > 0) this.push(line.split(','));
      pos = nl === -1 ? text.length : nl + this.delimiter.length;
      if (nl !== -1) this.linesBefore++;
    }
    if (pos > 0) this.consumed = true;
    this.pending = pos === 0 ? text : text.slice(pos);
  }

  /**
   * One record from `pos` by csv-parse's rules for canonical quoting into this.record; returns the
   * index after its delimiter, NEED_MORE, or INVALID (csv-parse would error or read it otherwise).
   */
  private scanRecord(text: string, pos: number, eof: boolean): number {
    const cells: string[] = [];
    let i = pos;
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === 34) {
        value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) return eof ? INVALID : NEED_MORE;
          if (q + 1 >= text.length && !eof) return NEED_MORE;
          if (text.charCodeAt(q + 1) === 34) {
            value += text.slice(j, q + 1);
            j = q + 2;
            continue;
          }
          value += text.slice(j, q);
          i = q + 1;
          break;
        }
      } else {
        let j = i;
        for (; j < text.length; j++) {
          const c = text.charCodeAt(j);
          if (c === 44) break;
          if (c === 34) return INVALID;
          if (c === 10 || c === 13) {
            const d = this.delimiterAt(text, j, eof);
            if (d < 0) return NEED_MORE;
            if (d > 0) break;
          }
        }
        if (j >= text.length && !eof) return NEED_MORE;
        value = text.slice(i, j);
        i = j;
      }
      cells.push(value);
      if (i >= text.length) {
        if (!eof) return NEED_MORE;
        this.record = cells;
        return text.length;
      }
      if (text.charCodeAt(i) === 44) {
        i++;
        continue;
      }
      const d = this.delimiterAt(text, i, eof);
      if (d <= 0) return d < 0 ? NEED_MORE : INVALID;
      this.record = cells;
      return i + d;
    }
  }

  private endsWithDelimiter(text: string, end: number): boolean {
    const d = this.delimiter;
    return d !== '' && end >= d.length && text.startsWith(d, end - d.length);
  }

  /** Length of the record delimiter at `i` (discovering it as csv-parse does), 0 if none, -1 if undecidable yet. */
  private delimiterAt(text: string, i: number, eof: boolean): number {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) return 0;
    if (this.delimiter === '') {
      if (c === 13 && i + 1 >= text.length && !eof) return -1;
      this.delimiter = c === 10 ? '\n' : text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
      this.strays = this.delimiter !== '\n' || text.includes('\r');
      return this.delimiter.length;
    }
    if (this.delimiter !== '\r\n') return text.charCodeAt(i) === this.delimiter.charCodeAt(0) ? 1 : 0;
    if (c !== 13) return 0;
    if (i + 1 >= text.length) return eof ? 0 : -1;
    return text.charCodeAt(i + 1) === 10 ? 2 : 0;
  }

  private handOver(rest: string, eof: boolean): void {
    this.pending = '';
    this.handedOver = (
      new Parser({
      bom: !this.consumed,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: this.maxRecordBytes,
        ...(this.delimiter ? { record_delimiter: this.delimiter } : {}),
      }) as unknown as { api: SyncParser }
    ).api;
    this.toParser(rest, eof);
  }

  private toParser(text: string, eof: boolean): void {
    const parser = this.handedOver!;
    const onRecord = (record: string[]) => this.push(record);
    let err = text.length ? parser.parse(Buffer.from(text), false, onRecord, () => undefined) : undefined;
    if (err === undefined && eof) err = parser.parse(undefined, true, onRecord, () => undefined);
    if (err === undefined) return;
    if (err instanceof CsvError) {
      // csv-parse counted lines from the handover; the whole stream's count is what it would say.
      err.message = err.message.replace(/at line (\d+)/, (_m, n: string) => `at line ${Number(n) + this.linesBefore}`);
    }
    throw err;
  }
}

function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) n++;
  }
  return n;
}

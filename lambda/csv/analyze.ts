import { CsvError } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { Transform, TransformCallback, Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteInsightsAccumulator } from './byte-insights';
import { CsvFormatError, CsvInsights } from './insights';
import { CsvSplitter } from './splitter';

/**
 * Streams CSV text through CsvSplitter (csv-parse's records, measured ~5× cheaper; csv-parse
 * itself for anything unusual) into the insights accumulator, plain lines as bytes
 * (ByteInsightsAccumulator: ~4× cheaper again than cell strings). Memory is bounded by the chunk
 * plus one record (capped at MAX_RECORD_BYTES, which also stops an unclosed quote
 * from swallowing the rest of the file) plus the accumulator's fixed-size state.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;
const SNIFF_BYTES = 8192;

export interface StreamAnalysis extends CsvInsights {
  readonly bytes: number;
}

/** How many bytes at the end of `b` begin a UTF-8 sequence that `b` does not complete (0-3). */
function incompleteTail(b: Buffer): number {
  for (let i = 1; i <= Math.min(3, b.length); i++) {
    const byte = b[b.length - i] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > i ? i : 0;
  }
  return 0;
}

/**
 * Rejects binary content (NUL bytes in the first 8 KiB) before the parser produces nonsense, and
 * text that is not UTF-8: the parser would silently turn such bytes into U+FFFD and the analysis
 * would "succeed" with corrupted values. A sequence split across chunks is carried to the next.
 */
class TextGuard extends Transform {
  bytes = 0;
  private carry: Buffer = Buffer.alloc(0);
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.bytes < SNIFF_BYTES && chunk.subarray(0, SNIFF_BYTES - this.bytes).includes(0)) {
      done(new CsvFormatError('not a CSV text file: binary content (NUL bytes) near the start; upload UTF-8 text'));
      return;
    }
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const keep = incompleteTail(data);
    if (!isUtf8(data.subarray(0, data.length - keep))) {
      done(new CsvFormatError(`not valid UTF-8 text (within bytes ${this.bytes - this.carry.length}-${this.bytes + chunk.length}); re-save the file as UTF-8 and upload again`));
      return;
    }
    this.carry = Buffer.from(data.subarray(data.length - keep));
    this.bytes += chunk.length;
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    done(this.carry.length ? new CsvFormatError('not valid UTF-8 text: the file ends inside a multi-byte character; re-save it as UTF-8 and upload again') : null);
  }
}

export async function analyzeCsvStream(input: Readable): Promise<StreamAnalysis> {
  const guard = new TextGuard();
  const acc = new ByteInsightsAccumulator();
  const splitter = new CsvSplitter((cells) => acc.push(cells), MAX_RECORD_BYTES, acc);
  // A synchronous sink: the splitter hands each record to the accumulator before the next chunk
  // is asked for, so backpressure holds and no record is ever queued.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      try {
        splitter.write(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    final(done) {
      try {
        splitter.end();
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  try {
    await pipeline(input, guard, sink);
  } catch (err) {
    input.destroy();
    if (err instanceof CsvError) {
      throw new CsvFormatError(`malformed CSV near record ${acc.record + 1}: ${err.message}; fix the quoting or line structure and upload again`);
    }
    throw err;
  }
  return { ...acc.result(), bytes: guard.bytes };
}

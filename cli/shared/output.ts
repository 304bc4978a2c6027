import { CliError, EXIT } from './cli-errors';
import { writeChunk } from './write';

/**
 * stdout for machine consumers: one JSON document, or NDJSON lines with backpressure. A reader that
 * goes away early (`| head`) is normal shell usage, not an error.
 */
export function printJson(value: unknown): Promise<void> {
  return writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line: string): Promise<void> {
  return writeOut(`${line}\n`);
}

export function writeOut(text: string | Uint8Array): Promise<void> {
  return writeTo(process.stdout, text);
}

export function writeTo(stream: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  return writeChunk(stream, chunk);
}

/** Buffers NDJSON lines into larger writes: a record per write() call is slow for big results. */
export class NdjsonWriter {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  async write(record: unknown): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.pending.push(line);
    this.size += line.length;
    if (this.size >= 64 * 1024) await this.flush();
  }

  async writeRaw(line: string): Promise<void> {
    this.pending.push(line);
    this.size += line.length;
    if (this.size >= 64 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    this.size = 0;
    await writeTo(this.stream, text);
  }
}

export function isBrokenPipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'EPIPE';
}

/** Waits until everything written to stdout has been handed to the OS, so exit() loses nothing. */
export function flushStdout(): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.writableLength === 0) return resolve();
    process.stdout.write('', () => resolve());
  });
}

export function usageError(message: string, hint: string): CliError {
  return new CliError(message, EXIT.USAGE, hint);
}

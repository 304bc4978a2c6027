import { CliError, EXIT } from '../shared/cli-errors';
import type { KvValue } from '../../core/kvstore-item';
import { MAX_ITEM_BYTES, ValueTooLargeError } from '../../core/kvstore-size';
import { parseDuration } from '../shared/duration';

/**
 * Values from the command line or stdin (`-`). Stdin is buffered only up to the item limit; past it
 * the rest is counted, not kept, so a mistaken `cat big.bin | kvstore set k -` reports the size with
 * bounded memory. One trailing newline (what `echo` adds) is dropped, matching what `$(...)` strips
 * on the way back out.
 */
export async function readStdin(key: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (kept <= MAX_ITEM_BYTES) {
      chunks.push(buf);
      kept += buf.length;
    }
  }
  if (total > MAX_ITEM_BYTES) throw new ValueTooLargeError(key, total);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function readValue(key: string, raw: string, json: boolean): Promise<KvValue> {
  const text = raw === '-' ? await readStdin(key) : raw;
  if (!json) return text;
  try {
    return JSON.parse(text) as KvValue;
  } catch (err) {
    throw new CliError(`value for "${key}" is not valid JSON (${(err as Error).message})`, EXIT.USAGE, 'fix the JSON, or drop --json to store the text as a string');
  }
}

export function parseTtl(input: string | undefined): number | undefined {
  return input === undefined ? undefined : parseDuration(input, '--ttl');
}

export function parseInteger(input: string, flag: string): number {
  if (!/^-?\d{1,15}$/.test(input.trim())) throw new CliError(`${flag} must be an integer, got "${input}"`, EXIT.USAGE, `for example ${flag} 5`);
  return Number(input);
}

/** The raw form `--format value` prints: strings as they are (for `$(kvstore get k --format value)`), the rest as JSON. */
export function rawValue(value: KvValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

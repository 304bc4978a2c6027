import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface StreamDigest {
  readonly sha256: string;
  readonly bytes: number;
  readonly lines: number;
}

/** SHA-256, byte and line counts of a stream in one pass and constant memory. */
export async function digestStream(body: Readable): Promise<StreamDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  let last = -1;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
  }
  // A final line without a newline still counts.
  if (bytes > 0 && last !== 10) lines++;
  return { sha256: hash.digest('hex'), bytes, lines };
}

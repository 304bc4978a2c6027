/** Reading a byte stream into upload parts: reused part buffers, and parts filled in memory or spooled to a temporary file. */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Semaphore } from './pool';

/**
 * Part buffers are reused rather than allocated per part: freed 8 MiB buffers are external memory
 * that V8 collects lazily, so allocating fresh ones lets RSS drift far above the live budget.
 */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();

  take(size: number): Buffer {
    return this.free.get(size)?.pop() ?? Buffer.allocUnsafe(size);
  }

  give(buffer: Buffer): void {
    const list = this.free.get(buffer.length) ?? [];
    list.push(buffer);
    this.free.set(buffer.length, list);
  }
}

export type FilledPart =
  | { kind: 'memory'; buffer: Buffer; release: () => Promise<void> | void }
  | { kind: 'file'; path: string; size: number; release: () => Promise<void> | void };

/** Cuts a byte stream into parts of the sizes asked for, copying each chunk once. */
export class PartCutter {
  private iterator?: AsyncIterator<Uint8Array>;
  private carry?: Uint8Array;
  ended = false;

  constructor(
    readonly sizeOf: (partNumber: number) => number,
    private readonly pool: BufferPool,
  ) {}

  async fillFirst(stream: Readable | AsyncIterable<Uint8Array>, memory: Semaphore, cost: number): Promise<{ buffer: Buffer; done: boolean }> {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    const size = this.sizeOf(1);
    await memory.acquire(cost);
    const part = await this.fillMemory(size, () => undefined);
    const buffer = part?.kind === 'memory' ? part.buffer : Buffer.alloc(0);
    if (!this.ended) {
      // Exactly one full part with nothing after it is still a single object.
      const next = await this.pull();
      if (next === undefined) return { buffer, done: true };
      this.carry = next;
    }
    return { buffer, done: this.ended };
  }

  async atEnd(): Promise<boolean> {
    const chunk = await this.pull();
    if (chunk) this.carry = chunk;
    return !chunk;
  }

  private async pull(): Promise<Uint8Array | undefined> {
    if (this.carry) {
      const c = this.carry;
      this.carry = undefined;
      return c;
    }
    if (this.ended) return undefined;
    const r = await this.iterator!.next();
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    return typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
  }

  async fillMemory(size: number, releaseBudget: () => void): Promise<FilledPart | undefined> {
    const buffer = this.pool.take(size);
    const release = (): void => {
      this.pool.give(buffer);
      releaseBudget();
    };
    let filled = 0;
    while (filled < size) {
      const chunk = await this.pull();
      if (!chunk) break;
      const take = Math.min(chunk.length, size - filled);
      buffer.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take < chunk.length) this.carry = chunk.subarray(take);
    }
    if (filled === 0) {
      release();
      return undefined;
    }
    return { kind: 'memory', buffer: filled === size ? buffer : buffer.subarray(0, filled), release };
  }

  async fillFile(path: string, size: number, release: () => void): Promise<FilledPart | undefined> {
    const out = createWriteStream(path);
    let filled = 0;
    while (filled < size) {
      const chunk = await this.pull();
      if (!chunk) break;
      const take = Math.min(chunk.length, size - filled);
      if (!out.write(chunk.subarray(0, take))) await new Promise<void>((r) => out.once('drain', () => r()));
      filled += take;
      if (take < chunk.length) this.carry = chunk.subarray(take);
    }
    out.end();
    await finished(out);
    const cleanup = async (): Promise<void> => {
      await rm(path, { force: true });
      release();
    };
    if (filled === 0) {
      await cleanup();
      return undefined;
    }
    return { kind: 'file', path, size: filled, release: cleanup };
  }
}

/** Runs fn over items with at most `concurrency` in flight; the first failure stops new work. */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** A counting semaphore for bounding bytes or requests in flight. */
export class Semaphore {
  private waiters: Array<() => void> = [];
  constructor(private available: number) {}

  async acquire(n = 1): Promise<void> {
    while (this.available < n) await new Promise<void>((r) => this.waiters.push(r));
    this.available -= n;
  }

  release(n = 1): void {
    this.available += n;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}

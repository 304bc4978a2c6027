/**
 * Runs fn over items with at most `concurrency` in flight; the first failure stops new work. With
 * `slotHeldUntil`, one of the `concurrency` slots is taken by work outside the pool until that
 * promise settles (and stays unused if it rejects).
 */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>, slotHeldUntil?: Promise<unknown>): Promise<R[]> {
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
  if (!slotHeldUntil) {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
    return results;
  }
  await Promise.all([...Array.from({ length: Math.min(concurrency - 1, items.length) }, worker), slotHeldUntil.then(worker, () => undefined)]);
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

/**
 * Space-Saving heavy-hitters counter (Metwally, Agrawal, El Abbadi 2005) for a column's top values
 * in bounded memory: at most `capacity` distinct values are held, whatever the row count.
 *
 * Guarantee over n observations: every value occurring more than n / capacity times is present,
 * and each reported count over-estimates the true count by at most `error` (≤ n / capacity). With
 * the default capacity of 64 and the top 5 reported, any value above ~1.6% of the rows is found.
 *
 * Evictions take a minimum counter from a cached list of all counters at the minimum count, so one
 * O(capacity) scan serves many evictions (counts only grow; newcomers enter above the minimum), and a
 * hit is one Map lookup: high- and low-cardinality columns both stay cheap per row.
 */
export interface TopValue {
  readonly value: string;
  readonly count: number;
  /** Upper bound of the over-count; 0 means the count is exact. */
  readonly error: number;
}

interface Counter {
  count: number;
  error: number;
}

export class SpaceSaving {
  private readonly counters = new Map<string, Counter>();
  /** Keys that had the minimum count at the last scan; stale entries are skipped on use. */
  private minKeys: string[] = [];
  private minCount = 0;

  constructor(readonly capacity = 64) {
    if (capacity < 1) throw new Error('SpaceSaving capacity must be at least 1');
  }

  add(value: string): void {
    const hit = this.counters.get(value);
    if (hit) {
      hit.count++;
      return;
    }
    if (this.counters.size < this.capacity) {
      this.counters.set(value, { count: 1, error: 0 });
      return;
    }
    const min = this.takeMinimum();
    this.counters.set(value, { count: min + 1, error: min });
  }

  top(n: number): TopValue[] {
    return [...this.counters.entries()]
      .map(([value, c]) => ({ value, count: c.count, error: c.error }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
      .slice(0, n);
  }

  /** Removes one counter holding the minimum count and returns that count. */
  private takeMinimum(): number {
    for (;;) {
      const key = this.minKeys.pop();
      if (key === undefined) {
        this.rescan();
        continue;
      }
      const c = this.counters.get(key);
      if (c && c.count === this.minCount) {
        this.counters.delete(key);
        return c.count;
      }
    }
  }

  private rescan(): void {
    let min = Infinity;
    for (const c of this.counters.values()) if (c.count < min) min = c.count;
    this.minCount = min;
    this.minKeys = [];
    for (const [k, c] of this.counters) if (c.count === min) this.minKeys.push(k);
  }
}

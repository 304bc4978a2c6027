/**
 * Space-Saving heavy-hitters counter (Metwally, Agrawal, El Abbadi 2005) for a column's top values
 * in bounded memory: at most `capacity` distinct values are held, whatever the row count.
 *
 * Guarantee over n observations: every value occurring more than n / capacity times is present,
 * and each reported count over-estimates the true count by at most `error` (≤ n / capacity). With
 * the default capacity of 64 and the top 5 reported, any value above ~1.6% of the rows is found.
 *
 * Counters sit in buckets by count (the "stream summary"), so a hit and an eviction are O(1):
 * high-cardinality columns evict on almost every row.
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
  private readonly buckets = new Map<number, Set<string>>();
  private min = 0;

  constructor(readonly capacity = 64) {
    if (capacity < 1) throw new Error('SpaceSaving capacity must be at least 1');
  }

  add(value: string): void {
    const hit = this.counters.get(value);
    if (hit) {
      this.move(value, hit, hit.count + 1);
      return;
    }
    if (this.counters.size < this.capacity) {
      const c = { count: 0, error: 0 };
      this.counters.set(value, c);
      this.place(value, c, 1);
      this.min = 1;
      return;
    }
    const victims = this.buckets.get(this.min);
    const victim = victims?.values().next().value;
    if (victims === undefined || victim === undefined) throw new Error('SpaceSaving: no counter at the minimum count');
    victims.delete(victim);
    if (victims.size === 0) this.buckets.delete(this.min);
    this.counters.delete(victim);
    const c = { count: 0, error: this.min };
    this.counters.set(value, c);
    this.place(value, c, this.min + 1);
    if (!this.buckets.has(this.min)) this.min++;
  }

  top(n: number): TopValue[] {
    return [...this.counters.entries()]
      .map(([value, c]) => ({ value, count: c.count, error: c.error }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
      .slice(0, n);
  }

  private move(value: string, c: Counter, to: number): void {
    const from = this.buckets.get(c.count);
    if (from) {
      from.delete(value);
      if (from.size === 0) {
        this.buckets.delete(c.count);
        if (this.min === c.count) this.min = to;
      }
    }
    this.place(value, c, to);
  }

  private place(value: string, c: Counter, to: number): void {
    c.count = to;
    let b = this.buckets.get(to);
    if (!b) this.buckets.set(to, (b = new Set()));
    b.add(value);
  }
}

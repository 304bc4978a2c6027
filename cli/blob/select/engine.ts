import type { Aggregate, Query, Value } from './ast';
import { asNumber, compare, evaluate, Row, toValue, truthy } from './evaluate';

/**
 * Runs a parsed query over a stream of rows. Memory: plain queries hold one row at a time (plus
 * LIMIT rows when ordered); aggregates hold one accumulator set per group.
 */
export type OutputRecord = Record<string, Value>;

interface Accumulator {
  add(v: Value): void;
  result(): Value;
}

function accumulator(a: Aggregate): Accumulator {
  switch (a.name) {
    case 'COUNT': {
      let n = 0;
      return { add: (v) => void (a.arg === undefined || v !== null ? n++ : 0), result: () => n };
    }
    case 'SUM':
    case 'AVG': {
      let sum = 0;
      let n = 0;
      return {
        add: (v) => {
          const x = asNumber(v);
          if (x !== null) {
            sum += x;
            n++;
          }
        },
        result: () => (n === 0 ? null : a.name === 'SUM' ? sum : sum / n),
      };
    }
    case 'MIN':
    case 'MAX': {
      let best: Value = null;
      const sign = a.name === 'MIN' ? -1 : 1;
      return {
        add: (v) => {
          // An empty CSV field is "no value" for MIN/MAX, as SUM and AVG skip non-numbers.
          if (v === null || v === '') return;
          const c = best === null ? sign : compare(v, best);
          if (c !== null && c * sign > 0) best = typeof v === 'string' && asNumber(v) !== null ? asNumber(v) : v;
        },
        result: () => best,
      };
    }
  }
}

function project(q: Query, row: Row, aggregates?: readonly Value[]): OutputRecord {
  if (!q.projections) {
    const out: OutputRecord = {};
    for (const [k, v] of Object.entries(row)) out[k] = toValue(v);
    return out;
  }
  const out: OutputRecord = {};
  for (const p of q.projections) out[p.name] = evaluate(p.expr, { row, ...(aggregates ? { aggregates } : {}) });
  return out;
}

function orderCompare(q: Query) {
  return (a: { sortKeys: Value[] }, b: { sortKeys: Value[] }): number => {
    for (let i = 0; i < q.orderBy.length; i++) {
      const c = compare(a.sortKeys[i] ?? null, b.sortKeys[i] ?? null);
      // NULLs sort first ascending, as in S3 Select and PostgreSQL's DESC default.
      const v = c === null ? (a.sortKeys[i] === null ? (b.sortKeys[i] === null ? 0 : -1) : 1) : c;
      if (v !== 0) return q.orderBy[i]!.desc ? -v : v;
    }
    return 0;
  };
}

export async function* runQuery(q: Query, rows: AsyncIterable<Row>): AsyncGenerator<OutputRecord> {
  if (q.limit === 0) return;
  if (q.isAggregate) {
    yield* aggregate(q, rows);
    return;
  }
  if (q.orderBy.length) {
    if (q.limit === undefined) throw new Error('unreachable: ORDER BY without LIMIT is rejected before reading');
    // Top-N: keep at most LIMIT rows, sorted.
    const cmp = orderCompare(q);
    const top: Array<{ sortKeys: Value[]; out: OutputRecord }> = [];
    for await (const row of rows) {
      if (q.where && !truthy(evaluate(q.where, { row }))) continue;
      const item = { sortKeys: q.orderBy.map((o) => evaluate(o.expr, { row })), out: project(q, row) };
      if (top.length === q.limit && cmp(item, top[top.length - 1]!) >= 0) continue;
      let i = top.length;
      while (i > 0 && cmp(item, top[i - 1]!) < 0) i--;
      top.splice(i, 0, item);
      if (top.length > q.limit) top.pop();
    }
    for (const t of top) yield t.out;
    return;
  }
  let emitted = 0;
  for await (const row of rows) {
    if (q.where && !truthy(evaluate(q.where, { row }))) continue;
    yield project(q, row);
    if (q.limit !== undefined && ++emitted >= q.limit) return;
  }
}

async function* aggregate(q: Query, rows: AsyncIterable<Row>): AsyncGenerator<OutputRecord> {
  const groups = new Map<string, { first: Row; accs: Accumulator[] }>();
  for await (const row of rows) {
    if (q.where && !truthy(evaluate(q.where, { row }))) continue;
    const keyValues = q.groupBy.map((g) => evaluate(g, { row }));
    const key = JSON.stringify(keyValues);
    let g = groups.get(key);
    if (!g) {
      // Only the group-by columns of the first row are kept, not the whole row.
      const first: Record<string, Value> = {};
      for (const name of q.columns ?? []) first[name] = toValue(row[name] ?? lookupLoose(row, name));
      g = { first, accs: q.aggregates.map(accumulator) };
      groups.set(key, g);
    }
    q.aggregates.forEach((a, i) => g.accs[i]!.add(a.arg ? evaluate(a.arg, { row }) : true));
  }
  // An aggregate without GROUP BY over no rows still yields one row (COUNT(*) = 0).
  if (!groups.size && !q.groupBy.length) groups.set('[]', { first: {}, accs: q.aggregates.map(accumulator) });
  let out: Array<{ sortKeys: Value[]; out: OutputRecord }> = [];
  for (const g of groups.values()) {
    const aggs = g.accs.map((a) => a.result());
    if (q.having && !truthy(evaluate(q.having, { row: g.first, aggregates: aggs }))) continue;
    out.push({ sortKeys: q.orderBy.map((o) => evaluate(o.expr, { row: g.first, aggregates: aggs })), out: project(q, g.first, aggs) });
  }
  if (q.orderBy.length) out = out.sort(orderCompare(q));
  if (q.limit !== undefined) out = out.slice(0, q.limit);
  for (const o of out) yield o.out;
}

function lookupLoose(row: Row, name: string): unknown {
  const lower = name.toLowerCase();
  for (const k of Object.keys(row)) if (k.toLowerCase() === lower) return row[k];
  return undefined;
}

import type { Expr, Query } from './ast';
import type { Row } from './evaluate';

/**
 * A query that names a column the data does not have would otherwise return nothing (WHERE) or
 * nulls (SELECT) and exit 0, indistinguishable from "no matches". The columns a query reads are
 * checked against the data: before the first row where the format has a schema (a CSV header, a
 * Parquet schema), and after the scan for schema-less JSON (a column seen in no record at all).
 */
export class UnknownColumnError extends Error {
  constructor(
    readonly missing: readonly string[],
    readonly available: readonly string[],
    readonly where: 'header' | 'schema' | 'records',
  ) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    const has = available.length ? available.slice(0, 12).join(', ') + (available.length > 12 ? ', …' : '') : 'none';
    const from = where === 'header' ? 'the CSV header' : where === 'schema' ? 'the Parquet schema' : 'any record';
    super(`column${missing.length > 1 ? 's' : ''} ${list} not in ${from} (columns: ${has})`);
    this.name = 'UnknownColumnError';
  }
}

/** Every column name an expression tree of the query reads (after ORDER BY aliases are resolved). */
export function referencedColumns(q: Query): Set<string> {
  const out = new Set<string>();
  const walk = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case 'col':
        out.add(e.name);
        return;
      case 'lit':
      case 'agg':
        return;
      case 'bin':
        walk(e.left);
        walk(e.right);
        return;
      case 'not':
      case 'neg':
      case 'cast':
      case 'isnull':
        walk(e.expr);
        return;
      case 'in':
        walk(e.expr);
        e.list.forEach(walk);
        return;
      case 'between':
        [e.expr, e.low, e.high].forEach(walk);
        return;
      case 'like':
        walk(e.expr);
        walk(e.pattern);
        return;
      case 'fn':
        e.args.forEach(walk);
        return;
      case 'case':
        walk(e.operand);
        e.whens.forEach((w) => (walk(w.when), walk(w.then)));
        walk(e.otherwise);
        return;
    }
  };
  q.projections?.forEach((p) => walk(p.expr));
  walk(q.where);
  q.groupBy.forEach(walk);
  walk(q.having);
  q.aggregates.forEach((a) => walk(a.arg));
  q.orderBy.forEach((o) => walk(o.expr));
  return out;
}

/** Column names compare case-insensitively, as the engine's lookup (and S3 Select) does. */
function missingFrom(referenced: ReadonlySet<string>, available: Iterable<string>): string[] {
  const have = new Set([...available].map((a) => a.toLowerCase()));
  return [...referenced].filter((c) => !have.has(c.toLowerCase()));
}

/** Seen-keys tracking for schema-less input is capped so memory stays bounded on odd data. */
const MAX_TRACKED_KEYS = 10_000;

/**
 * Passes rows through, failing on a referenced column the data lacks. `schema` is the format's
 * column list once known (CSV header, Parquet schema); undefined means schema-less (JSON, CSV
 * without a header), checked against the union of keys seen once the input ends.
 */
export async function* requireColumns(
  rows: AsyncIterable<Row>,
  referenced: ReadonlySet<string>,
  schema: () => { names: readonly string[]; kind: 'header' | 'schema' } | undefined,
): AsyncGenerator<Row> {
  if (referenced.size === 0) {
    yield* rows;
    return;
  }
  let checked = false;
  const check = (): void => {
    const s = schema();
    if (!s) return;
    checked = true;
    const missing = missingFrom(referenced, s.names);
    if (missing.length) throw new UnknownColumnError(missing, s.names, s.kind);
  };
  const seen = new Set<string>();
  let count = 0;
  for await (const row of rows) {
    if (!checked) check();
    if (!checked && seen.size < MAX_TRACKED_KEYS) for (const k of Object.keys(row)) seen.add(k);
    count++;
    yield row;
  }
  if (!checked) check();
  if (!checked && count > 0 && seen.size < MAX_TRACKED_KEYS) {
    const missing = missingFrom(referenced, seen);
    if (missing.length) throw new UnknownColumnError(missing, [...seen], 'records');
  }
}

import type { Expr, Query } from './ast';

/**
 * Whether S3 Select would give exactly the client engine's answer, so the query may run on the
 * service. S3 Select treats CSV fields as strings and compares timestamps as text, where this engine
 * coerces numbers and compares instants, and it has no GROUP BY or ORDER BY. So only queries built
 * from column references, string equality, LIKE, IN of strings, IS NULL, AND/OR/NOT and LIMIT are
 * pushed down; anything else runs on the client with identical semantics everywhere.
 */
export type InputFormat = 'csv' | 'json' | 'jsonl' | 'parquet';

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}/;

export function pushdownSafe(q: Query, format: InputFormat): boolean {
  if (format === 'parquet') return false;
  if (q.isAggregate || q.orderBy.length || q.having) return false;
  if (q.projections && !q.projections.every((p) => p.expr.kind === 'col')) return false;
  return !q.where || safeCondition(q.where);
}

function safeCondition(e: Expr): boolean {
  switch (e.kind) {
    case 'bin':
      if (e.op === 'AND' || e.op === 'OR') return safeCondition(e.left) && safeCondition(e.right);
      if (e.op === '=' || e.op === '!=') return safeOperand(e.left) && safeOperand(e.right);
      return false;
    case 'not':
      return safeCondition(e.expr);
    case 'like':
      return safeOperand(e.expr) && safeOperand(e.pattern) && !e.caseInsensitive;
    case 'in':
      return safeOperand(e.expr) && e.list.every(safeOperand);
    case 'isnull':
      return e.expr.kind === 'col';
    default:
      return false;
  }
}

function safeOperand(e: Expr): boolean {
  if (e.kind === 'col') return true;
  return e.kind === 'lit' && typeof e.value === 'string' && !ISO_LIKE.test(e.value);
}

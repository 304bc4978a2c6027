import type { Expr, Value } from './ast';
import { SqlError } from './errors';

export const FUNCTIONS = new Set(['LOWER', 'UPPER', 'TRIM', 'LENGTH', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'SUBSTRING', 'SUBSTR', 'COALESCE', 'NULLIF', 'ABS', 'ROUND', 'FLOOR', 'CEIL', 'CEILING']);
export const CAST_TYPES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'FLOAT', 'DOUBLE', 'REAL', 'DECIMAL', 'NUMERIC', 'STRING', 'VARCHAR', 'CHAR', 'TEXT', 'BOOL', 'BOOLEAN', 'TIMESTAMP']);

/**
 * Expression semantics, close to S3 Select's: CSV fields arrive as strings, so a comparison with a
 * number compares numerically when the string is numeric, and two ISO-8601 timestamps compare as
 * instants (so '2025-11-15T00:00:00' and '2025-11-15T00:00:00Z' agree). NULL propagates; WHERE
 * keeps a row only when its condition is TRUE.
 */
export type Row = Readonly<Record<string, unknown>>;

export interface EvalContext {
  readonly row: Row;
  /** Aggregate results, in aggregate mode. */
  readonly aggregates?: readonly Value[];
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

export function toValue(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

export function lookup(row: Row, name: string): Value {
  if (name in row) return toValue(row[name]);
  const lower = name.toLowerCase();
  for (const k of Object.keys(row)) if (k.toLowerCase() === lower) return toValue(row[k]);
  return null;
}

function asNumber(v: Value): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return NUMERIC.test(v) ? Number(v) : null;
}

function instant(s: string): number | null {
  if (!ISO.test(s)) return null;
  // A timestamp without a zone is taken as UTC, as S3 Select does.
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && s.length > 10;
  const t = Date.parse(hasZone || s.length === 10 ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? null : t;
}

/** -1, 0, 1, or null when either side is NULL. */
export function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const x = instant(a);
    const y = x === null ? null : instant(b);
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function truthy(v: Value): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true') || (typeof v === 'number' && v !== 0);
}

function likeRegex(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's');
}

const likeCache = new Map<string, RegExp>();

export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.kind) {
    case 'col':
      return lookup(ctx.row, e.name);
    case 'lit':
      return e.value;
    case 'agg':
      return ctx.aggregates?.[e.index] ?? null;
    case 'not': {
      const v = evaluate(e.expr, ctx);
      return v === null ? null : !truthy(v);
    }
    case 'neg': {
      const n = asNumber(evaluate(e.expr, ctx));
      return n === null ? null : -n;
    }
    case 'isnull': {
      const isNull = evaluate(e.expr, ctx) === null;
      return e.negated ? !isNull : isNull;
    }
    case 'in': {
      const v = evaluate(e.expr, ctx);
      if (v === null) return null;
      const hit = e.list.some((x) => compare(v, evaluate(x, ctx)) === 0);
      return e.negated ? !hit : hit;
    }
    case 'between': {
      const v = evaluate(e.expr, ctx);
      const lo = compare(v, evaluate(e.low, ctx));
      const hi = compare(v, evaluate(e.high, ctx));
      if (lo === null || hi === null) return null;
      const inside = lo >= 0 && hi <= 0;
      return e.negated ? !inside : inside;
    }
    case 'like': {
      const v = evaluate(e.expr, ctx);
      const p = evaluate(e.pattern, ctx);
      if (v === null || p === null) return null;
      const cacheKey = `${e.caseInsensitive ? 'i' : 's'}${String(p)}`;
      let re = likeCache.get(cacheKey);
      if (!re) {
        re = likeRegex(String(p), e.caseInsensitive);
        if (likeCache.size < 1000) likeCache.set(cacheKey, re);
      }
      const hit = re.test(String(v));
      return e.negated ? !hit : hit;
    }
    case 'cast':
      return cast(evaluate(e.expr, ctx), e.type);
    case 'case': {
      const operand = e.operand ? evaluate(e.operand, ctx) : undefined;
      for (const w of e.whens) {
        const hit = operand === undefined ? truthy(evaluate(w.when, ctx)) : compare(operand, evaluate(w.when, ctx)) === 0;
        if (hit) return evaluate(w.then, ctx);
      }
      return e.otherwise ? evaluate(e.otherwise, ctx) : null;
    }
    case 'fn':
      return callFunction(e.name, e.args.map((a) => evaluate(a, ctx)));
    case 'bin':
      return binary(e.op, e.left, e.right, ctx);
  }
}

function binary(op: string, l: Expr, r: Expr, ctx: EvalContext): Value {
  if (op === 'AND') {
    const a = evaluate(l, ctx);
    if (a !== null && !truthy(a)) return false;
    const b = evaluate(r, ctx);
    if (b !== null && !truthy(b)) return false;
    return a === null || b === null ? null : true;
  }
  if (op === 'OR') {
    const a = evaluate(l, ctx);
    if (a !== null && truthy(a)) return true;
    const b = evaluate(r, ctx);
    if (b !== null && truthy(b)) return true;
    return a === null || b === null ? null : false;
  }
  const a = evaluate(l, ctx);
  const b = evaluate(r, ctx);
  if (op === '||') return a === null || b === null ? null : String(a) + String(b);
  if (['=', '!=', '<', '<=', '>', '>='].includes(op)) {
    const c = compare(a, b);
    if (c === null) return null;
    switch (op) {
      case '=':
        return c === 0;
      case '!=':
        return c !== 0;
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      default:
        return c >= 0;
    }
  }
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === null || y === null) return null;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? null : x / y;
    case '%':
      return y === 0 ? null : x % y;
    default:
      throw new SqlError(`unsupported operator ${op}`);
  }
}

export function cast(v: Value, type: string): Value {
  if (v === null) return null;
  switch (type) {
    case 'INT':
    case 'INTEGER':
    case 'BIGINT':
    case 'SMALLINT': {
      const n = asNumber(v);
      return n === null ? null : Math.trunc(n);
    }
    case 'FLOAT':
    case 'DOUBLE':
    case 'REAL':
    case 'DECIMAL':
    case 'NUMERIC':
      return asNumber(v);
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'TEXT':
      return String(v);
    case 'BOOL':
    case 'BOOLEAN':
      return truthy(v);
    case 'TIMESTAMP': {
      const t = typeof v === 'number' ? v : instant(String(v));
      return t === null ? null : new Date(t).toISOString();
    }
    default:
      throw new SqlError(`unsupported CAST type ${type}`);
  }
}

function callFunction(name: string, args: Value[]): Value {
  const [a, b, c] = args;
  const str = (v: Value | undefined): string | null => (v === null || v === undefined ? null : String(v));
  switch (name) {
    case 'LOWER':
      return str(a)?.toLowerCase() ?? null;
    case 'UPPER':
      return str(a)?.toUpperCase() ?? null;
    case 'TRIM':
      return str(a)?.trim() ?? null;
    case 'LENGTH':
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      return str(a)?.length ?? null;
    case 'SUBSTRING':
    case 'SUBSTR': {
      const s = str(a);
      const start = asNumber(b ?? null);
      if (s === null || start === null) return null;
      const len = c === undefined ? undefined : asNumber(c);
      return s.substr(Math.max(0, start - 1), len ?? undefined);
    }
    case 'COALESCE':
      return args.find((x) => x !== null) ?? null;
    case 'NULLIF':
      return compare(a ?? null, b ?? null) === 0 ? null : (a ?? null);
    case 'ABS': {
      const n = asNumber(a ?? null);
      return n === null ? null : Math.abs(n);
    }
    case 'ROUND': {
      const n = asNumber(a ?? null);
      const d = asNumber(b ?? 0) ?? 0;
      return n === null ? null : Math.round(n * 10 ** d) / 10 ** d;
    }
    case 'FLOOR': {
      const n = asNumber(a ?? null);
      return n === null ? null : Math.floor(n);
    }
    case 'CEIL':
    case 'CEILING': {
      const n = asNumber(a ?? null);
      return n === null ? null : Math.ceil(n);
    }
    default:
      throw new SqlError(`unsupported function ${name}()`);
  }
}

export { asNumber };

import { Parser } from 'node-sql-parser/build/postgresql';
import type { Aggregate, AggregateName, Expr, Projection, Query, Value } from './ast';
import { SqlError } from './errors';
import { CAST_TYPES, FUNCTIONS } from './evaluate';

export { SqlError };

interface Node {
  type?: string;
  [k: string]: unknown;
}

const AGGREGATES = new Set<AggregateName>(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const BINARY = new Set(['=', '!=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '||', 'AND', 'OR']);

export function parseQuery(sql: string): Query {
  let ast: Node | Node[];
  try {
    ast = new Parser().astify(sql, { database: 'postgresql' }) as unknown as Node | Node[];
  } catch (err) {
    throw new SqlError(`SQL syntax error: ${firstLine((err as Error).message)}`);
  }
  const stmts = Array.isArray(ast) ? ast : [ast];
  if (stmts.length !== 1 || stmts[0]?.type !== 'select') throw new SqlError('only one SELECT statement is supported');
  const s = stmts[0];
  const from = s.from as Node[] | null;
  if (!from || from.length !== 1 || typeof from[0]?.table !== 'string' || from[0].table.toLowerCase() !== 's3object') {
    throw new SqlError('the query must read FROM s3object (optionally with an alias: FROM s3object s)');
  }
  if (s.with) throw new SqlError('WITH is not supported');
  if ((s.distinct as Node | null)?.type) throw new SqlError('SELECT DISTINCT is not supported');

  const conv = new Converter();
  const cols = s.columns as Node[] | string;
  let projections: Projection[] | undefined;
  if (cols !== '*' && !(Array.isArray(cols) && cols.length === 1 && isStar(cols[0]?.expr as Node))) {
    projections = (cols as Node[]).map((c, i) => {
      const expr = conv.expr(c.expr as Node);
      const alias = typeof c.as === 'string' ? c.as : undefined;
      return { name: alias ?? (expr.kind === 'col' ? expr.name : `_${i + 1}`), expr };
    });
  }
  const where = s.where ? conv.expr(s.where as Node, false) : undefined;
  const groupBy = ((s.groupby as Node | null)?.columns as Node[] | undefined)?.map((g) => conv.expr(g, false)) ?? [];
  const having = s.having ? conv.expr(s.having as Node) : undefined;
  const orderBy = ((s.orderby as Node[] | null) ?? []).map((o) => ({ expr: conv.expr(o.expr as Node), desc: o.type === 'DESC' }));
  const limitNodes = ((s.limit as Node | null)?.value as Node[] | undefined) ?? [];
  let limit: number | undefined;
  if (limitNodes.length) {
    const v = limitNodes[0]?.value;
    if (limitNodes.length > 1 || typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new SqlError('LIMIT takes one non-negative integer');
    limit = v;
  }
  const isAggregate = conv.aggregates.length > 0 || groupBy.length > 0;
  if (orderBy.length && !isAggregate && limit === undefined) {
    throw new SqlError('ORDER BY needs LIMIT (or GROUP BY): sorting a whole object would need unbounded memory');
  }
  if (having && !isAggregate) throw new SqlError('HAVING needs GROUP BY or an aggregate');
  if (isAggregate && !projections) throw new SqlError('SELECT * cannot be combined with GROUP BY or aggregates; name the columns');
  return {
    ...(projections ? { projections } : {}),
    ...(where ? { where } : {}),
    groupBy,
    ...(having ? { having } : {}),
    aggregates: conv.aggregates,
    orderBy: resolveOrderAliases(orderBy, projections),
    ...(limit !== undefined ? { limit } : {}),
    ...(projections ? { columns: conv.columns } : {}),
    isAggregate,
  };
}

/** ORDER BY may name a select-list alias (ORDER BY total DESC). */
function resolveOrderAliases(order: Array<{ expr: Expr; desc: boolean }>, projections: Projection[] | undefined): Array<{ expr: Expr; desc: boolean }> {
  if (!projections) return order;
  return order.map((o) => {
    if (o.expr.kind !== 'col') return o;
    const name = o.expr.name;
    const p = projections.find((x) => x.name === name && !(x.expr.kind === 'col' && x.expr.name === name));
    return p ? { expr: p.expr, desc: o.desc } : o;
  });
}

function isStar(n: Node | undefined): boolean {
  return !!n && ((n.type === 'column_ref' && n.column === '*') || n.type === 'star');
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}

class Converter {
  readonly aggregates: Aggregate[] = [];
  readonly columns = new Set<string>();

  expr(n: Node, aggregatesAllowed = true): Expr {
    switch (n.type) {
      case 'column_ref': {
        const name = columnName(n.column);
        if (name === '*') throw new SqlError('* is only allowed as SELECT * or COUNT(*)');
        this.columns.add(name);
        return { kind: 'col', name };
      }
      case 'number':
        return { kind: 'lit', value: Number(n.value) };
      case 'single_quote_string':
      case 'string':
      case 'natural_string':
        return { kind: 'lit', value: String(n.value) };
      case 'double_quote_string': {
        // Double quotes are identifiers in S3 Select SQL.
        const name = String(n.value);
        this.columns.add(name);
        return { kind: 'col', name };
      }
      case 'bool':
      case 'boolean':
        return { kind: 'lit', value: Boolean(n.value) };
      case 'null':
        return { kind: 'lit', value: null };
      case 'unary_expr': {
        const inner = this.expr(n.expr as Node, aggregatesAllowed);
        if (n.operator === 'NOT') return { kind: 'not', expr: inner };
        if (n.operator === '-') return { kind: 'neg', expr: inner };
        if (n.operator === '+') return inner;
        throw new SqlError(`unsupported operator ${String(n.operator)}`);
      }
      case 'binary_expr':
        return this.binary(n, aggregatesAllowed);
      case 'cast': {
        const target = (n.target as Node[] | undefined)?.[0]?.dataType;
        if (typeof target !== 'string') throw new SqlError('CAST needs a target type, e.g. CAST(x AS INT)');
        if (!CAST_TYPES.has(target.toUpperCase())) throw new SqlError(`unsupported CAST type ${target}`);
        return { kind: 'cast', expr: this.expr(n.expr as Node, aggregatesAllowed), type: target.toUpperCase() };
      }
      case 'aggr_func': {
        const name = String(n.name).toUpperCase() as AggregateName;
        if (!AGGREGATES.has(name)) throw new SqlError(`unsupported aggregate ${String(n.name)}`);
        if (!aggregatesAllowed) throw new SqlError(`${name}() is not allowed in WHERE or GROUP BY`);
        const args = n.args as Node;
        if (args.distinct) throw new SqlError(`${name}(DISTINCT ...) is not supported`);
        const argNode = args.expr as Node;
        const arg = isStar(argNode) ? undefined : this.expr(argNode, false);
        if (!arg && name !== 'COUNT') throw new SqlError(`${name}(*) is not valid; name a column`);
        this.aggregates.push({ name, ...(arg ? { arg } : {}) });
        return { kind: 'agg', index: this.aggregates.length - 1 };
      }
      case 'function': {
        const name = functionName(n.name).toUpperCase();
        if (!FUNCTIONS.has(name)) throw new SqlError(`unsupported function ${name}(); supported: ${[...FUNCTIONS].join(', ')}`);
        const args = (((n.args as Node | undefined)?.value as Node[] | undefined) ?? []).map((a) => this.expr(a, aggregatesAllowed));
        return { kind: 'fn', name, args };
      }
      case 'case': {
        const operand = n.expr ? this.expr(n.expr as Node, aggregatesAllowed) : undefined;
        const whens: Array<{ when: Expr; then: Expr }> = [];
        let otherwise: Expr | undefined;
        for (const a of n.args as Node[]) {
          if (a.type === 'when') whens.push({ when: this.expr(a.cond as Node, aggregatesAllowed), then: this.expr(a.result as Node, aggregatesAllowed) });
          else otherwise = this.expr(a.result as Node, aggregatesAllowed);
        }
        return { kind: 'case', ...(operand ? { operand } : {}), whens, ...(otherwise ? { otherwise } : {}) };
      }
      case 'expr_list': {
        const list = n.value as Node[];
        if (list.length === 1) return this.expr(list[0]!, aggregatesAllowed);
        throw new SqlError('a list of values is only allowed after IN');
      }
      default:
        throw new SqlError(`unsupported SQL construct: ${n.type ?? 'unknown'}`);
    }
  }

  private binary(n: Node, agg: boolean): Expr {
    const op = String(n.operator).toUpperCase();
    const left = this.expr(n.left as Node, agg);
    const right = n.right as Node;
    switch (op) {
      case 'IN':
      case 'NOT IN':
        return { kind: 'in', expr: left, list: ((right.value as Node[]) ?? []).map((x) => this.expr(x, agg)), negated: op === 'NOT IN' };
      case 'BETWEEN':
      case 'NOT BETWEEN': {
        const [low, high] = right.value as Node[];
        return { kind: 'between', expr: left, low: this.expr(low!, agg), high: this.expr(high!, agg), negated: op === 'NOT BETWEEN' };
      }
      case 'LIKE':
      case 'NOT LIKE':
      case 'ILIKE':
      case 'NOT ILIKE':
        return { kind: 'like', expr: left, pattern: this.expr(right, agg), negated: op.startsWith('NOT'), caseInsensitive: op.endsWith('ILIKE') };
      case 'IS':
      case 'IS NOT':
        if (right.type !== 'null') throw new SqlError(`only IS [NOT] NULL is supported`);
        return { kind: 'isnull', expr: left, negated: op === 'IS NOT' };
      default:
        if (!BINARY.has(op)) throw new SqlError(`unsupported operator ${op}`);
        return { kind: 'bin', op: op === '<>' ? '!=' : op, left, right: this.expr(right, agg) };
    }
  }
}

function columnName(c: unknown): string {
  if (typeof c === 'string') return c;
  const inner = (c as { expr?: { value?: unknown } } | null)?.expr?.value;
  if (typeof inner === 'string') return inner;
  throw new SqlError('unsupported column reference');
}

function functionName(n: unknown): string {
  if (typeof n === 'string') return n;
  const parts = (n as { name?: Array<{ value?: unknown }> } | null)?.name;
  const v = parts?.[parts.length - 1]?.value;
  if (typeof v === 'string') return v;
  throw new SqlError('unsupported function reference');
}

export type { Value };

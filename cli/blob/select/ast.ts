/**
 * The query model the client-side engine evaluates, converted from node-sql-parser's AST (its
 * PostgreSQL grammar: double-quoted identifiers, single-quoted strings and `||`, as in S3 Select).
 */
export type Value = string | number | boolean | null;

export type Expr =
  | { kind: 'col'; name: string }
  | { kind: 'lit'; value: Value }
  | { kind: 'bin'; op: string; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'neg'; expr: Expr }
  | { kind: 'in'; expr: Expr; list: Expr[]; negated: boolean }
  | { kind: 'between'; expr: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'like'; expr: Expr; pattern: Expr; negated: boolean; caseInsensitive: boolean }
  | { kind: 'isnull'; expr: Expr; negated: boolean }
  | { kind: 'cast'; expr: Expr; type: string }
  | { kind: 'fn'; name: string; args: Expr[] }
  | { kind: 'case'; operand?: Expr; whens: Array<{ when: Expr; then: Expr }>; otherwise?: Expr }
  | { kind: 'agg'; index: number };

export type AggregateName = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

export interface Aggregate {
  readonly name: AggregateName;
  /** Absent for COUNT(*). */
  readonly arg?: Expr;
}

export interface Projection {
  readonly name: string;
  readonly expr: Expr;
}

export interface Query {
  /** Absent for SELECT *. */
  readonly projections?: Projection[];
  readonly where?: Expr;
  readonly groupBy: Expr[];
  readonly having?: Expr;
  readonly aggregates: Aggregate[];
  readonly orderBy: Array<{ expr: Expr; desc: boolean }>;
  readonly limit?: number;
  /** Columns the query reads (for Parquet column pruning); undefined means all. */
  readonly columns?: Set<string>;
  readonly isAggregate: boolean;
}

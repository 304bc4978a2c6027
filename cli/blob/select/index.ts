export type { Query, Expr, Value } from './ast';
export { parseQuery } from './parse';
export { SqlError } from './errors';
export { runQuery, type OutputRecord } from './engine';
export { csvRows, jsonRows, parquetRows, InputFormatError } from './sources';
export { pushdownSafe, type InputFormat } from './pushdown';
export { referencedColumns, requireColumns, UnknownColumnError } from './columns';

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { AsyncBuffer } from 'hyparquet';
import { csvRows, jsonRows, parquetRows, parseQuery, pushdownSafe, runQuery, SqlError } from '../../cli/blob/select';
import type { OutputRecord } from '../../cli/blob/select';

/** The client-side SQL engine: parsing, semantics, aggregation, streaming sources. */
const CSV = `timestamp,status_code,level,path,latency
2025-11-14T23:59:59,500,ERROR,/api/users,120
2025-11-15T10:00:00,500,ERROR,/api/orders,340
2025-11-15T11:00:00,200,INFO,/api/orders,35
2025-11-16T09:00:00,404,WARN,/missing,
2025-11-16T10:00:00Z,200,INFO,/api/users,80
`;

async function collect(sql: string, input = CSV): Promise<OutputRecord[]> {
  const out: OutputRecord[] = [];
  for await (const r of runQuery(parseQuery(sql), csvRows(Readable.from([input])))) out.push(r);
  return out;
}

describe('query semantics over CSV', () => {
  it('runs the seed query: numeric and timestamp comparisons on string fields', async () => {
    const rows = await collect("SELECT * FROM s3object WHERE status_code = 500 AND timestamp > '2025-11-15T00:00:00'");
    expect(rows).toEqual([{ timestamp: '2025-11-15T10:00:00', status_code: '500', level: 'ERROR', path: '/api/orders', latency: '340' }]);
  });

  it('projects with aliases, arithmetic and CAST', async () => {
    const rows = await collect("SELECT s.path AS p, CAST(s.latency AS INT) * 2 AS double_latency, s.level || '!' FROM s3object s WHERE s.level = 'ERROR'");
    expect(rows).toEqual([
      { p: '/api/users', double_latency: 240, _3: 'ERROR!' },
      { p: '/api/orders', double_latency: 680, _3: 'ERROR!' },
    ]);
  });

  it('handles LIKE, IN, NOT, BETWEEN, IS NULL and OR', async () => {
    expect((await collect("SELECT path FROM s3object WHERE path LIKE '/api/%' AND NOT level IN ('ERROR', 'WARN')")).map((r) => r.path)).toEqual(['/api/orders', '/api/users']);
    expect(await collect("SELECT path FROM s3object WHERE CAST(latency AS INT) IS NULL OR latency = ''")).toEqual([{ path: '/missing' }]);
    expect((await collect('SELECT latency FROM s3object WHERE latency BETWEEN 50 AND 200')).map((r) => r.latency)).toEqual(['120', '80']);
    expect(await collect("SELECT path FROM s3object WHERE timestamp >= '2025-11-16T10:00:00'")).toEqual([{ path: '/api/users' }]);
  });

  it('aggregates with and without GROUP BY, with HAVING and ORDER BY', async () => {
    expect(await collect('SELECT COUNT(*) AS n, SUM(latency) AS total, MIN(latency), MAX(timestamp) FROM s3object')).toEqual([
      { n: 5, total: 575, _3: 35, _4: '2025-11-16T10:00:00Z' },
    ]);
    expect(await collect('SELECT level, COUNT(*) AS n, AVG(latency) AS avg FROM s3object GROUP BY level HAVING COUNT(*) > 1 ORDER BY n DESC, level')).toEqual([
      { level: 'ERROR', n: 2, avg: 230 },
      { level: 'INFO', n: 2, avg: 57.5 },
    ]);
    expect(await collect("SELECT COUNT(*) FROM s3object WHERE level = 'NONE'")).toEqual([{ _1: 0 }]);
  });

  it('LIMIT stops early; ORDER BY with LIMIT keeps only the top rows', async () => {
    expect(await collect('SELECT path FROM s3object LIMIT 2')).toHaveLength(2);
    expect(await collect('SELECT path, latency FROM s3object WHERE latency IS NOT NULL ORDER BY CAST(latency AS INT) DESC LIMIT 2')).toEqual([
      { path: '/api/orders', latency: '340' },
      { path: '/api/users', latency: '120' },
    ]);
  });

  it('reads headerless CSV as _1, _2, …', async () => {
    const rows: OutputRecord[] = [];
    for await (const r of runQuery(parseQuery('SELECT s._2 FROM s3object s WHERE s._1 = 1'), csvRows(Readable.from(['1,a\n2,b\n']), { header: false }))) rows.push(r);
    expect(rows).toEqual([{ _2: 'a' }]);
  });
});

describe('SQL errors', () => {
  it.each([
    ['SELEC * FROM s3object', /syntax error/],
    ['SELECT * FROM users', /FROM s3object/],
    ['SELECT * FROM s3object ORDER BY a', /ORDER BY needs LIMIT/],
    ['SELECT *, COUNT(*) FROM s3object', /./],
    ['SELECT md5(a) FROM s3object', /unsupported function/],
    ['SELECT CAST(a AS UUID) FROM s3object', /unsupported CAST type/],
    ['SELECT a FROM s3object WHERE COUNT(*) > 1', /not allowed in WHERE/],
    ['SELECT COUNT(DISTINCT a) FROM s3object', /DISTINCT/],
    ['DELETE FROM s3object', /./],
  ])('%s', (sql, message) => {
    expect(() => parseQuery(sql)).toThrow(SqlError);
    expect(() => parseQuery(sql)).toThrow(message);
  });
});

describe('sources', () => {
  it('streams JSON Lines and accepts a top-level array', async () => {
    const q = parseQuery("SELECT name FROM s3object WHERE n > 1");
    const lines: OutputRecord[] = [];
    for await (const r of runQuery(q, jsonRows(Readable.from(['{"name":"a","n":1}\n{"name":"b","n":2}\n', '\n{"name":"c","n":3}\n'])))) lines.push(r);
    expect(lines).toEqual([{ name: 'b' }, { name: 'c' }]);
    const arr: OutputRecord[] = [];
    for await (const r of runQuery(q, jsonRows(Readable.from(['[{"name":"x","n":5},\n{"name":"y","n":0}]\n'])))) arr.push(r);
    expect(arr).toEqual([{ name: 'x' }]);
  });

  it('reports bad JSON with its line number', async () => {
    const rows = jsonRows(Readable.from(['{"a":1}\nnot json\n']));
    await expect((async () => {
      for await (const _ of rows) void _;
    })()).rejects.toThrow(/line 2 is not valid JSON/);
  });

  it('reads Parquet by row group, fetching only the columns the query uses', async () => {
    const n = 3000;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'category', data: Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]!), type: 'STRING' },
        { name: 'price', data: Array.from({ length: n }, (_, i) => i), type: 'DOUBLE' },
        // Hashes do not compress, so this column dominates the file.
        { name: 'payload', data: Array.from({ length: n }, (_, i) => createHash('sha256').update(String(i)).digest('hex').repeat(3)), type: 'STRING' },
      ],
      rowGroupSize: 1000,
    });
    let bytesRead = 0;
    const file: AsyncBuffer = {
      byteLength: buf.byteLength,
      slice(start, end) {
        bytesRead += (end ?? buf.byteLength) - start;
        return buf.slice(start, end);
      },
    };
    const q = parseQuery('SELECT category, AVG(price) AS avg, COUNT(*) AS n FROM s3object GROUP BY category');
    const rows: OutputRecord[] = [];
    for await (const r of runQuery(q, parquetRows(file, q.columns))) rows.push(r);
    expect(rows).toEqual([
      { category: 'a', avg: 1498.5, n: 1000 },
      { category: 'b', avg: 1499.5, n: 1000 },
      { category: 'c', avg: 1500.5, n: 1000 },
    ]);
    // The payload column is never fetched.
    expect(bytesRead).toBeLessThan(buf.byteLength / 2);
  });
});

describe('S3 Select pushdown', () => {
  it('pushes down only queries whose answer is the same on both engines', () => {
    expect(pushdownSafe(parseQuery("SELECT * FROM s3object s WHERE s.level = 'ERROR'"), 'csv')).toBe(true);
    expect(pushdownSafe(parseQuery("SELECT * FROM s3object WHERE status_code = 500"), 'csv')).toBe(false);
    expect(pushdownSafe(parseQuery("SELECT * FROM s3object WHERE timestamp = '2025-11-15'"), 'csv')).toBe(false);
    expect(pushdownSafe(parseQuery('SELECT category, COUNT(*) FROM s3object GROUP BY category'), 'csv')).toBe(false);
    expect(pushdownSafe(parseQuery('SELECT * FROM s3object'), 'parquet')).toBe(false);
  });
});

import { Readable } from 'node:stream';
import { analyzeCsvStream, MAX_RECORD_BYTES } from '../../lambda/csv/analyze';
import { CsvFormatError, CsvInsightsAccumulator, validateHeader } from '../../lambda/csv/insights';
import { SpaceSaving } from '../../lambda/csv/space-saving';
import { failedRecord, succeededRecord, MAX_RECORD_BYTES as MAX_ITEM } from '../../lambda/csv/analysis-record';

const streamOf = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

test('infers integer, number, boolean, date, string and empty columns with null counts and numeric stats', async () => {
  const r = await analyzeCsvStream(streamOf('id,score,ok,day,label,blank\n', '1,2.5,true,2025-01-01,a,\n2,NA,false,2025-01-02T10:00:00Z,b,\n', '3,-1,TRUE,2025-01-03,a,null\n'));
  expect(r.rowCount).toBe(3);
  expect(r.columns.map((c) => c.type)).toEqual(['integer', 'number', 'boolean', 'date', 'string', 'empty']);
  expect(r.columns[1]).toMatchObject({ nullCount: 1, min: -1, max: 2.5, mean: 0.75 });
  expect(r.columns[4]!.topValues![0]).toEqual({ value: 'a', count: 2, error: 0 });
  expect(r.columns[5]!.nullCount).toBe(3);
  expect(r.bytes).toBeGreaterThan(50);
});

test('a column with one non-numeric value falls back to string and says why', async () => {
  const r = await analyzeCsvStream(streamOf('v\n1\n2\nthree\n'));
  expect(r.columns[0]).toMatchObject({ type: 'string', typeCounts: { integer: 2, string: 1 } });
});

test('rows with the wrong column count are counted invalid with the first examples, not dropped silently', async () => {
  const lines = ['a,b'];
  for (let i = 0; i < 10; i++) lines.push(i % 2 ? '1,2' : '1,2,3');
  const r = await analyzeCsvStream(streamOf(lines.join('\n')));
  expect(r).toMatchObject({ rowCount: 5, invalidRowCount: 5 });
  expect(r.invalidRowExamples).toHaveLength(5);
  expect(r.invalidRowExamples[0]).toEqual({ record: 2, reason: 'expected 2 columns, found 3', sample: '1,2,3' });
});

test.each([
  ['', /no header row/],
  ['1,2,3\n4,5,6\n', /all numbers/],
  ['a,,c\n1,2,3\n', /column 2 has no name/],
  ['a,a\n1,2\n', /duplicate header column "a"/],
  ['a,b\n1,"open\n', /malformed CSV/],
  ['\u0000\u0001PNG,x\n', /binary content/],
])('bad input %j fails with a one-line reason', async (text, reason) => {
  await expect(analyzeCsvStream(streamOf(text))).rejects.toThrow(reason);
  await expect(analyzeCsvStream(streamOf(text))).rejects.toBeInstanceOf(CsvFormatError);
});

test('an unclosed quote cannot make the parser buffer the rest of the file', async () => {
  const big = 'a,b\n1,"' + 'x'.repeat(MAX_RECORD_BYTES + 10) + '\n';
  await expect(analyzeCsvStream(streamOf(big))).rejects.toThrow(/malformed CSV/);
});

test('a BOM and CRLF line endings are accepted', async () => {
  const r = await analyzeCsvStream(streamOf('\ufeffname,n\r\nx,1\r\ny,2\r\n'));
  expect(r.columns.map((c) => c.name)).toEqual(['name', 'n']);
  expect(r.rowCount).toBe(2);
});

test('SpaceSaving keeps at most `capacity` counters and finds every value above n / capacity', () => {
  const s = new SpaceSaving(8);
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    s.add(i % 4 === 0 ? 'hot' : i % 10 === 1 ? 'warm' : `cold-${i}`);
  }
  const top = s.top(8);
  expect(top).toHaveLength(8);
  expect(top[0]!.value).toBe('hot');
  expect(top.map((t) => t.value)).toContain('warm');
  // Over-count bound: count - error never exceeds the true count.
  expect(top[0]!.count - top[0]!.error).toBeLessThanOrEqual(2500);
  expect(top[0]!.count).toBeGreaterThanOrEqual(2500);
});

test('SpaceSaving is exact while the distinct values fit', () => {
  const s = new SpaceSaving(4);
  for (const v of ['a', 'b', 'a', 'c', 'a', 'b']) s.add(v);
  expect(s.top(3)).toEqual([
    { value: 'a', count: 3, error: 0 },
    { value: 'b', count: 2, error: 0 },
    { value: 'c', count: 1, error: 0 },
  ]);
});

test('header validation and the accumulator refuse to report a file without a header', () => {
  expect(() => validateHeader(['ok', 'fine'])).not.toThrow();
  expect(() => new CsvInsightsAccumulator().result()).toThrow(/no header row/);
});

test('the stored record fits one DynamoDB item even for very wide files', () => {
  const id = { bucket: 'b', key: 'uploads/wide.csv', versionId: 'v1' };
  const columns = Array.from({ length: 1000 }, (_, i) => ({
    name: `c${i}`,
    type: 'string' as const,
    nullCount: 0,
    typeCounts: { string: 1 },
    topValues: Array.from({ length: 5 }, (_, j) => ({ value: 'v'.repeat(200) + j, count: 1, error: 0 })),
  }));
  const record = succeededRecord(id, { columns, rowCount: 1, invalidRowCount: 0, invalidRowExamples: [], bytes: 1 });
  expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(MAX_ITEM);
  expect(record).toMatchObject({ status: 'succeeded', columnsTruncated: expect.any(Number) });
  expect(failedRecord(id, 'why')).toMatchObject({ status: 'failed', reason: 'why', key: 'uploads/wide.csv' });
});

test('SpaceSaving bounds hold on a skewed high-cardinality stream: count - error ≤ true count ≤ count', () => {
  const s = new SpaceSaving(16);
  const truth = new Map<string, number>();
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    // Zipf-like: a few values dominate, a long tail of one-offs forces evictions.
    const v = rand() < 0.5 ? `hot-${Math.floor(rand() * 4)}` : `tail-${Math.floor(rand() * 5000)}`;
    truth.set(v, (truth.get(v) ?? 0) + 1);
    s.add(v);
  }
  const top = s.top(16);
  expect(top).toHaveLength(16);
  for (const t of top) {
    const real = truth.get(t.value) ?? 0;
    expect(t.count - t.error).toBeLessThanOrEqual(real);
    expect(t.count).toBeGreaterThanOrEqual(real);
    expect(t.error).toBeLessThanOrEqual(n / 16);
  }
  expect(top.slice(0, 4).map((t) => t.value).sort()).toEqual(['hot-0', 'hot-1', 'hot-2', 'hot-3']);
});

import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isReadable, parseDays, parseRestoreHeader, parseTier } from '../../cli/blob/archive';
import { chooseVersion, parseS3Target } from '../../cli/blob/s3-uri';
import { parseSince } from '../../cli/blob/since';
import { csvRows, jsonRows, parseQuery, referencedColumns, requireColumns, UnknownColumnError } from '../../cli/blob/select';
import { CliError, EXIT } from '../../cli/shared/cli-errors';
import { CLI_VERSION } from '../../cli/shared/version';

/** Parsing behind issue 14 classes 5-7 and 10, without a server. */
function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.USAGE);
    return (err as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('version URIs (class 5)', () => {
  test.each([
    ['doc.txt?versionId=abc', { key: 'doc.txt', versionId: 'abc' }],
    ['/a/b.json?versionId=v%2B1', { key: 'a/b.json', versionId: 'v+1' }],
    ['a?versionId=x?versionId=y', { key: 'a?versionId=x', versionId: 'y' }],
    ['plain/key.txt', { key: 'plain/key.txt' }],
    ['key?version=1', { key: 'key?version=1' }],
    ['s3://bkt/k?versionId=v1', { bucket: 'bkt', key: 'k', versionId: 'v1' }],
  ])('%s', (input, expected) => expect(parseS3Target(input)).toEqual(expected));

  test('--literal-key keeps "?versionId=" in the key, for both forms', () => {
    expect(parseS3Target('odd?versionId=x', { literalKey: true })).toEqual({ key: 'odd?versionId=x' });
    expect(parseS3Target('s3://bkt/odd?versionId=x', { literalKey: true })).toEqual({ bucket: 'bkt', key: 'odd?versionId=x' });
  });

  test('empty or malformed versions are usage errors', () => {
    expect(usageError(() => parseS3Target('k?versionId='))).toBe('empty versionId in "k?versionId="');
    expect(usageError(() => parseS3Target('k?versionId=%E0%A4%A'))).toBe('malformed versionId "%E0%A4%A" in "k?versionId=%E0%A4%A"');
  });

  test('a suffix and --version-id must agree', () => {
    expect(chooseVersion('a', undefined, 'k')).toBe('a');
    expect(chooseVersion(undefined, 'b', 'k')).toBe('b');
    expect(chooseVersion('a', 'a', 'k')).toBe('a');
    expect(usageError(() => chooseVersion('a', 'b', 'k?versionId=a'))).toBe('"k?versionId=a" names version a but --version-id says b');
    expect(usageError(() => chooseVersion(undefined, '', 'k'))).toBe('empty --version-id');
  });
});

describe('archived objects (class 6)', () => {
  test('x-amz-restore', () => {
    expect(parseRestoreHeader(undefined)).toBeNull();
    expect(parseRestoreHeader('ongoing-request="true"')).toEqual({ ongoing: true, expiry: null });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"')).toEqual({ ongoing: false, expiry: '2012-12-21T00:00:00.000Z' });
  });

  test('readable: not archived, or restored and not ongoing', () => {
    expect(isReadable('STANDARD', undefined)).toBe(true);
    expect(isReadable('GLACIER_IR', undefined)).toBe(true);
    expect(isReadable('GLACIER', undefined)).toBe(false);
    expect(isReadable('DEEP_ARCHIVE', 'ongoing-request="true"')).toBe(false);
    expect(isReadable('GLACIER', 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"')).toBe(true);
  });

  test('--tier and --days', () => {
    expect([parseTier('bulk'), parseTier(undefined), parseTier('EXPEDITED')]).toEqual(['Bulk', 'Standard', 'Expedited']);
    expect(usageError(() => parseTier('fast'))).toBe('unknown --tier "fast"');
    expect([parseDays(undefined), parseDays('30')]).toEqual([7, 30]);
    for (const bad of ['0', '-1', '1.5', 'ten', '36501']) expect(usageError(() => parseDays(bad))).toBe(`invalid --days "${bad}"`);
  });
});

describe('--since (class 7)', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  test.each([
    ['2026-06-01', '2026-06-01T00:00:00.000Z'],
    ['2026-06-01T08:30:00Z', '2026-06-01T08:30:00.000Z'],
    ['24h', '2026-06-14T12:00:00.000Z'],
    ['2w', '2026-06-01T12:00:00.000Z'],
    ['7 days ago', '2026-06-08T12:00:00.000Z'],
  ])('%s', async (input, iso) => expect((await parseSince(input, now))?.toISOString()).toBe(iso));

  test.each([
    ['banana', 'names no point in time'],
    ['7 dayz ago', 'names no point in time'],
    ['next friday-ish', 'names no point in time'],
    ['2026-02-29', 'is not a real date'],
    ['2026-06-01T25:00:00Z', 'is not a real date'],
    ['tomorrow', 'is in the future'],
    ['in 3 days', 'is in the future'],
  ])('refuses %s', async (input, why) => {
    await expect(parseSince(input, now)).rejects.toMatchObject({ exitCode: EXIT.USAGE, message: expect.stringContaining(`--since "${input}" ${why}`) });
  });
});

describe('select columns (class 7)', () => {
  const drain = async (it: AsyncIterable<unknown>): Promise<number> => {
    let n = 0;
    for await (const _ of it) n++;
    return n;
  };

  test('referenced columns: projections, WHERE, GROUP BY, ORDER BY (aliases resolved), aggregates', () => {
    const q = parseQuery('SELECT s.a, SUM(CAST(s.b AS INT)) AS total FROM s3object s WHERE s.c IN (1, 2) AND s.d LIKE \'x%\' GROUP BY s.a ORDER BY total DESC');
    expect([...referencedColumns(q)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...referencedColumns(parseQuery('SELECT COUNT(*) FROM s3object'))]).toEqual([]);
  });

  test('a CSV header is checked before the first row is yielded', async () => {
    let header: string[] | undefined;
    const rows = csvRows(Readable.from(['x,y\n1,2\n']), { onHeader: (h) => (header = h) });
    const checked = requireColumns(rows, new Set(['z']), () => (header ? { names: header, kind: 'header' } : undefined));
    await expect(checked.next()).rejects.toThrow(new UnknownColumnError(['z'], ['x', 'y'], 'header'));
  });

  test('schema-less JSON: a column in no record fails after the scan; one in some records passes', async () => {
    const json = (): AsyncGenerator<Readonly<Record<string, unknown>>> => jsonRows(Readable.from(['{"a":1}\n{"b":2}\n']));
    expect(await drain(requireColumns(json(), new Set(['b']), () => undefined))).toBe(2);
    await expect(drain(requireColumns(json(), new Set(['c']), () => undefined))).rejects.toThrow('column "c" not in any record (columns: a, b)');
  });
});

test('--version is package.json\'s (class 10)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect(CLI_VERSION).toBe(pkg.version);
});

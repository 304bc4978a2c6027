import { Readable, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { checkSyntax } from '../../lambda/scenarios/syntax-check';
import { DEFAULT_COMPONENTS, ComponentStatus, decideMerge, parseCodegenKey, validateComponent, MAX_COMPONENT_BYTES } from '../../lambda/scenarios/codegen';
import { JsonArrayWriter, assertHour, errorRecord, filterErrors, isErrorSpike, previousHour } from '../../lambda/scenarios/log-analysis';
import { checkDeployMetadata, parseArtifactKey } from '../../lambda/scenarios/artifacts';
import { compareDataset, expectedFromMetadata, measureStream } from '../../lambda/scenarios/datasets';
import { eventOrder } from '../../core/s3-events';
import type { S3Event } from '../../core/s3-events';

describe('codegen', () => {
  test('session keys parse; merge output and outside keys do not', () => {
    expect(parseCodegenKey('codegen/session-42/api.py')).toEqual({ session: '42', file: 'api.py' });
    expect(parseCodegenKey('codegen/session-42/merged/api.py')).toBeUndefined();
    expect(parseCodegenKey('codegen/session-42/merged')).toBeUndefined();
    expect(parseCodegenKey('codegen/other/api.py')).toBeUndefined();
  });

  test('syntax checks: JSON, JavaScript (acorn), Python (lezer); Markdown unchecked', () => {
    expect(checkSyntax('a.json', '{"a":1}').status).toBe('valid');
    expect(checkSyntax('a.json', '{"a":').status).toBe('invalid');
    expect(checkSyntax('a.js', 'export const x = () => 1;').status).toBe('valid');
    expect(checkSyntax('a.js', 'const = 1').reason).toMatch(/JavaScript syntax error/);
    expect(checkSyntax('api.py', 'def f(x):\n    return x + 1\n').status).toBe('valid');
    const bad = checkSyntax('api.py', 'def f(x)\n    return x +\n');
    expect(bad.status).toBe('invalid');
    expect(bad.reason).toMatch(/line 1/);
    expect(checkSyntax('README.md', '# anything').status).toBe('unchecked');
  });

  test('validation rejects empty, oversized and non-UTF-8 input with the fix in the reason', () => {
    expect(validateComponent('api.py', Buffer.alloc(0), 0).reason).toMatch(/empty/);
    expect(validateComponent('api.py', Buffer.alloc(10), MAX_COMPONENT_BYTES + 1).reason).toMatch(/larger than/);
    expect(validateComponent('api.py', Buffer.from([0xff, 0xfe, 0x41]), 3).reason).toMatch(/UTF-8/);
    const m = validateComponent('manifest.json', Buffer.from('{"components":["a.py","a.py"]}'), 30);
    expect(m.status).toBe('invalid');
    expect(validateComponent('manifest.json', Buffer.from('{"components":["a.py"]}'), 23).components).toEqual(['a.py']);
    expect(validateComponent('manifest.json', Buffer.from('{"components":["report.json"]}'), 30).reason).toMatch(/reserved/);
  });

  const st = (file: string, status: ComponentStatus['status'], components?: string[]): ComponentStatus => ({
    file, status, parser: 'x', size: 1, checkedAt: '', ...(components ? { components } : {}),
  });

  test('merge decision: default set, manifest set, invalid blocks, unchecked allowed', () => {
    expect(DEFAULT_COMPONENTS).toEqual(['api.py', 'models.py', 'tests.py', 'README.md']);
    const three = [st('api.py', 'valid'), st('models.py', 'valid'), st('tests.py', 'valid')];
    expect(decideMerge(three)).toEqual({ ready: false, reason: 'waiting for README.md' });
    const all = [...three, st('README.md', 'unchecked')];
    expect(decideMerge(all)).toMatchObject({ ready: true, source: 'default' });
    expect(decideMerge([...three.slice(1), st('api.py', 'invalid'), st('README.md', 'unchecked')])).toMatchObject({ ready: false, reason: expect.stringMatching(/invalid: api.py/) });
    expect(decideMerge([st('manifest.json', 'valid', ['a.js']), st('a.js', 'valid')])).toMatchObject({ ready: true, source: 'manifest', expected: ['a.js'] });
    expect(decideMerge([...all, st('manifest.json', 'invalid')])).toMatchObject({ ready: false });
  });
});

describe('log analysis', () => {
  test('hours validate and the scheduled run analyses the previous hour', () => {
    expect(assertHour('2025-11-15-14')).toBe('2025-11-15-14');
    expect(() => assertHour('2025-11-15-24')).toThrow(/YYYY-MM-DD-HH/);
    expect(() => assertHour('2025-11-15')).toThrow(/YYYY-MM-DD-HH/);
    expect(previousHour(new Date('2025-11-15T00:05:00Z'))).toBe('2025-11-14-23');
  });

  test('only level ERROR lines count, not lines that merely mention errors', () => {
    expect(errorRecord('{"level":"ERROR","msg":"boom"}')).toEqual({ level: 'ERROR', msg: 'boom' });
    expect(errorRecord('{"level":"INFO","msg":"no error here"}')).toBeUndefined();
    expect(errorRecord('ERROR not json')).toBeUndefined();
    expect(isErrorSpike(101, 100)).toBe(true);
    expect(isErrorSpike(100, 100)).toBe(false);
  });

  test('filter streams lines split across chunks and writes a valid JSON array', async () => {
    const text = '{"level":"INFO","msg":"a"}\n{"level":"ERR' + 'OR","msg":"b"}\r\n{"level":"ERROR","msg":"c"}';
    const chunks = [text.slice(0, 20), text.slice(20, 33), text.slice(33)];
    let out = '';
    const sink = new Writable({ write: (c: Buffer, _e, cb) => { out += c.toString(); cb(); } });
    const writer = new JsonArrayWriter(sink);
    const counts = await filterErrors(Readable.from(chunks), (r) => writer.push(r));
    writer.end();
    expect(counts).toEqual({ lines: 3, errors: 2, binaryLines: 0 });
    expect(JSON.parse(out)).toEqual([{ level: 'ERROR', msg: 'b' }, { level: 'ERROR', msg: 'c' }]);
  });
});

test('log filter: a read error mid-file fails the run instead of reporting a truncated hour', async () => {
  const input = new Readable({ read() {} });
  input.push('{"level":"ERROR","msg":"x"}\n');
  setTimeout(() => input.destroy(new Error('socket reset')), 10);
  await expect(filterErrors(input, () => undefined)).rejects.toThrow('socket reset');
});

describe('artifacts', () => {
  test('metadata must name the path version and a commit', () => {
    const a = parseArtifactKey('artifacts/v1.0.0/app.zip');
    expect(a).toEqual({ version: 'v1.0.0', file: 'app.zip' });
    if (!a) throw new Error('unreachable');
    expect(checkDeployMetadata(a, { version: 'v1.0.0', commit: 'abc' })).toEqual({ ok: true, meta: { version: 'v1.0.0', commit: 'abc' } });
    expect(checkDeployMetadata(a, { version: 'v1.0.0' })).toMatchObject({ ok: false, reason: expect.stringMatching(/lacks metadata commit/) });
    expect(checkDeployMetadata(a, { version: 'v2', commit: 'x' })).toMatchObject({ ok: false, reason: expect.stringMatching(/differs/) });
  });

  test('event order: later time wins; sequencers compare numerically whatever their length', () => {
    const ev = (time: string, sequencer?: string) => ({ time, detail: { object: { key: 'k', sequencer } } }) as unknown as S3Event;
    expect(eventOrder(ev('2025-11-15T10:00:01Z', '1')) > eventOrder(ev('2025-11-15T10:00:00Z', 'FFFF'))).toBe(true);
    expect(eventOrder(ev('2025-11-15T10:00:00Z', 'A0')) > eventOrder(ev('2025-11-15T10:00:00Z', '9F'))).toBe(true);
    expect(eventOrder(ev('2025-11-15T10:00:00Z', '100')) > eventOrder(ev('2025-11-15T10:00:00Z', 'FF'))).toBe(true);
  });
});

describe('datasets', () => {
  const csv = 'id,name\n1,"multi\nline"\n2,b\n';
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');

  test('one streaming pass gives sha256 and rows (csv-parse handles quoted newlines)', async () => {
    const m = await measureStream(Readable.from([Buffer.from(csv.slice(0, 9)), Buffer.from(csv.slice(9))]), 'csv');
    expect(m).toEqual({ sha256: sha(csv), bytes: Buffer.byteLength(csv), rows: 2 });
    const j = await measureStream(Readable.from([Buffer.from('{"a":1}\n\n{"a"'), Buffer.from(':2}')]), 'jsonl');
    expect(j.rows).toBe(2);
  });

  test('hash or row mismatch is a mismatch; no hash is unverified', async () => {
    const measured = await measureStream(Readable.from([Buffer.from(csv)]), 'csv');
    expect(compareDataset(expectedFromMetadata({ hash: sha(csv), rows: '2' }), measured).status).toBe('verified');
    expect(compareDataset(expectedFromMetadata({ hash: `sha256:${sha(csv).toUpperCase()}` }), measured).status).toBe('verified');
    const bad = compareDataset(expectedFromMetadata({ hash: sha('other'), rows: '2' }), measured);
    expect(bad.status).toBe('mismatch');
    expect(bad.problems[0]).toMatch(/differs from metadata hash/);
    expect(compareDataset(expectedFromMetadata({ hash: sha(csv), rows: '3' }), measured).status).toBe('mismatch');
    expect(compareDataset(expectedFromMetadata({ rows: '2' }), measured).status).toBe('unverified');
    expect(expectedFromMetadata({ hash: 'nothex' }).problems[0]).toMatch(/not a sha256/);
  });
});

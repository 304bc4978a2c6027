import { namespaceOf, safeKey } from '../../core/kvstore-key';
import { processedKey } from '../../lambda/fanout/stages';
import { onceKey } from '../../lambda/shared/exactly-once';

/** Keys derived from S3 keys (class 4 of issue 14): every key S3 accepts gives a valid, distinct, stable kvstore key. */
const S3_KEYS = [
  'uploads/plain.csv',
  'uploads/line\nbreak.csv',
  'uploads/tab\tsoh\u0001del\u007f.csv',
  `uploads/${'é'.repeat(505)}.csv`,
  `uploads/${'x'.repeat(1016)}`,
  'uploads/already#sha256:0000.csv',
];

test.each(S3_KEYS)('safeKey(analysis/%j) is a valid kvstore key of at most 1024 bytes, the same every time', (key) => {
  const derived = safeKey(`analysis/${key}`);
  expect(() => namespaceOf(derived)).not.toThrow();
  expect(namespaceOf(derived)).toBe('analysis');
  expect(Buffer.byteLength(derived)).toBeLessThanOrEqual(1024);
  expect(safeKey(`analysis/${key}`)).toBe(derived);
});

test('valid keys are kept as they are; others end in the hash of the whole original', () => {
  expect(safeKey('analysis/uploads/plain.csv')).toBe('analysis/uploads/plain.csv');
  expect(safeKey('analysis/uploads/line\nbreak.csv')).toMatch(/^analysis\/uploads\/line\?break\.csv#sha256:[0-9a-f]{64}$/);
  const long = safeKey(`analysis/uploads/${'é'.repeat(600)}`);
  expect(long).toMatch(/^analysis\/uploads\/é+#sha256:[0-9a-f]{64}$/);
  expect(long).not.toMatch(/\uFFFD/);
});

test('two originals never share a derived key, even when their cleaned heads are equal', () => {
  const derived = ['a/x\ny', 'a/x\ty', 'a/x?y', 'a/x\u0001y'].map(safeKey);
  expect(new Set(derived).size).toBe(derived.length);
  const long = [`a/${'k'.repeat(1100)}1`, `a/${'k'.repeat(1100)}2`].map(safeKey);
  expect(long[0]).not.toBe(long[1]);
});

test('onceKey goes through safeKey; processed-data/ keys stay within S3 limits', () => {
  expect(onceKey('notified', 'analysis', 'b/k\n#v')).toBe(safeKey('notified/analysis/b/k\n#v'));
  const raw = `raw-data/${'r'.repeat(1024 - 'raw-data/'.length)}`;
  expect(Buffer.byteLength(processedKey(raw))).toBeLessThanOrEqual(1024);
  expect(processedKey(raw)).toMatch(/^processed-data\/r+#sha256:[0-9a-f]{64}$/);
  expect(processedKey('raw-data/a/b.json')).toBe('processed-data/a/b.json');
});

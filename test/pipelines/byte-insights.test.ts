import { ByteInsightsAccumulator } from '../../lambda/csv/byte-insights';
import { ByteSpaceSaving } from '../../lambda/csv/byte-top';
import { CsvInsights, CsvInsightsAccumulator } from '../../lambda/csv/insights';
import { SpaceSaving } from '../../lambda/csv/space-saving';
import { CsvSplitter } from '../../lambda/csv/splitter';

/**
 * The byte path (lambda/csv/byte-insights.ts, byte-top.ts and CsvSplitter's LineSink) must give
 * exactly the insights of the string path it replaced: cells as strings into CsvInsightsAccumulator
 * with SpaceSaving, records from the splitter's text path (itself proven against csv-parse by
 * csv-splitter.test.ts). Seeded random cells aimed at every classification edge
 * (signs, dots, 15/16 digits, exponents, spaces, null and boolean spellings, dates, long values cut
 * inside a surrogate pair), and random files cut into random chunks, quotes and CRs now and then so
 * the splitter moves between its byte and text paths.
 */
let seed = 4242;
const next = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  // The low bits of a power-of-two LCG cycle quickly (bit 0 alternates): use the high ones.
  return Math.floor(seed / 65536) % n;
};
const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;

const SPELLINGS = ['', 'null', 'NULL', 'Null', 'NA', 'N/A', 'n/a', 'nan', 'NaN', 'None', 'true', 'false', 'TRUE', 'False', 'tru', 'Infinity', '-Infinity', '0x1F', '1e5', '-1.5E-3', '.5', '5.', '-.5', '+', '-', '.', '-0', '+0.0', '-0.00', '007', '2026-11-05', '2026-1-05', '2026-11-05T10:00:00Z', '2026-11-05 10:00', '9999-99-99', ' 12 ', '\t3', '12 ', '\u00a012', 'x\u00a0', 'é', '😀', 'cust-42'];
const DIGITS = '0123456789';

function randomCell(): string {
  switch (next(6)) {
    case 0:
      return pick(SPELLINGS);
    case 1: {
      let d = '';
      for (let i = 1 + next(18); i > 0; i--) d += DIGITS[next(10)];
      return (next(3) === 0 ? pick(['-', '+']) : '') + d;
    }
    case 2: {
      let a = '';
      let b = '';
      for (let i = next(10); i > 0; i--) a += DIGITS[next(10)];
      for (let i = next(10); i > 0; i--) b += DIGITS[next(10)];
      return (next(3) === 0 ? '-' : '') + a + '.' + b;
    }
    case 3:
      return `v${next(next(2) ? 5 : 300)}`;
    case 4: {
      // Long values: a multi-byte character or a surrogate pair across the 200-character cut.
      const filler = 'x'.repeat(195 + next(10));
      return filler + pick(['😀😀😀', 'ééé', 'abc', '']) + (next(2) ? ' ' : '');
    }
    default:
      return pick(SPELLINGS) + pick(SPELLINGS);
  }
}

function referenceOf(records: string[][]): CsvInsights {
  const acc = new CsvInsightsAccumulator();
  records.forEach((cells, i) => (i === 0 ? acc.header(cells) : acc.row(cells, i + 1)));
  return acc.result();
}

test('random cells: takeLines gives exactly the insights of the string accumulator', () => {
  for (let round = 0; round < 40; round++) {
    const width = 1 + next(4);
    const header = Array.from({ length: width }, (_, i) => `c${i}`);
    const rows: string[][] = [header];
    for (let r = 0; r < 400; r++) rows.push(Array.from({ length: next(12) === 0 ? width + 1 : width }, randomCell));
    const text = rows.map((r) => r.join(',')).join('\n') + '\n';
    const fast = new ByteInsightsAccumulator();
    const bytes = Buffer.from(text);
    expect(fast.takeLines(bytes, 0, bytes.length, 1 << 20, false)).toBe(bytes.length);
    const records = text.split('\n').slice(0, -1).filter((l) => l !== '').map((l) => l.split(','));
    expect(fast.result()).toEqual(referenceOf(records));
  }
});

test('ByteSpaceSaving evicts and reports exactly as SpaceSaving on skewed high-cardinality streams', () => {
  for (const capacity of [1, 3, 16, 64]) {
    const a = new SpaceSaving(capacity);
    const b = new ByteSpaceSaving(capacity);
    for (let i = 0; i < 20_000; i++) {
      const v = next(2) ? `hot-${next(4)}` : next(50) === 0 ? `😀${next(9)}`.slice(0, 1 + next(2)) : `tail-${next(3000)}`;
      a.add(v);
      if (next(2) && !/[\uD800-\uDFFF]/.test(v)) {
        const bytes = Buffer.from(`..${v}..`);
        b.addBytes(bytes, 2, bytes.length - 2);
      } else b.add(v);
    }
    expect(b.top(capacity)).toEqual(a.top(capacity));
  }
});

interface Outcome {
  insights?: CsvInsights;
  records: number;
  error?: string;
}
/** Small, so long lines are handed to csv-parse (lines over MAX_RECORD / 3 leave the fast paths). */
const MAX_RECORD = 96;
/** Lines the byte path took over all rounds, so the test shows it was exercised. */
let bytePathLines = 0;

/** The previous handler path: the splitter's text path only, cells as strings into CsvInsightsAccumulator. */
function viaText(chunks: Buffer[]): Outcome {
  const acc = new CsvInsightsAccumulator();
  let record = 0;
  const splitter = new CsvSplitter((cells) => {
    record++;
    if (record === 1) acc.header(cells);
    else acc.row(cells, record);
  }, MAX_RECORD);
  try {
    for (const c of chunks) splitter.write(c);
    splitter.end();
    return { insights: acc.result(), records: record };
  } catch (err) {
    return { records: record, error: (err as Error).message };
  }
}

function viaSplitter(chunks: Buffer[]): Outcome {
  const acc = new ByteInsightsAccumulator();
  const splitter = new CsvSplitter((cells) => acc.push(cells), MAX_RECORD, acc);
  try {
    for (const c of chunks) splitter.write(c);
    splitter.end();
    return { insights: acc.result(), records: acc.record };
  } catch (err) {
    return { records: acc.record, error: (err as Error).message };
  } finally {
    bytePathLines += acc.linesTaken;
  }
}

test('random files in random chunks: the byte path gives the text path\'s insights, record numbers and errors', () => {
  const rare = ['"', '\r', '\n'];
  let differences = 0;
  for (let round = 0; round < 3000; round++) {
    const quirky = next(3) === 0;
    // LF and CRLF files; a lone CR or LF in a CRLF file is field data to csv-parse.
    const eol = next(2) ? '\n' : '\r\n';
    const common = ['a', '1', ',', ',', eol, eol, '-', '.', ' ', 'é', '😀', 'x'.repeat(30)];
    let text = pick([`h,k${eol}`, `\ufeffh,k${eol}`, `${eol}h,k${eol}`, `h${eol}`, '']);
    // Quotes and stray CRs or LFs only in the second half, so line numbers counted on the byte path show in csv-parse's errors.
    const length = next(300);
    for (let i = length; i > 0; i--) text += quirky && i < length / 2 && next(15) === 0 ? pick(rare) : pick(common);
    const bytes = Buffer.from(text);
    const cuts = [...new Set(Array.from({ length: next(12) }, () => next(bytes.length + 1)))].sort((x, y) => x - y);
    const chunks: Buffer[] = [];
    let from = 0;
    for (const c of [...cuts, bytes.length]) {
      if (c > from) chunks.push(bytes.subarray(from, c));
      from = Math.max(from, c);
    }
    const got = viaSplitter(chunks);
    const want = viaText(chunks);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      differences++;
      if (differences <= 3) expect({ text, cuts, ...got }).toEqual({ text, cuts, ...want });
    }
  }
  expect(differences).toBe(0);
  expect(bytePathLines).toBeGreaterThan(1000);
});

test.each([
  'h,k\r\n1,2\r\na\rb,3\nc\r\n4,5\r\n',
  'h,k\r\n1,2\r\n3\r\n\r\n\n4,5\r\n6,7\r',
  'h,k\n1,2\r\n3,4\n5\r6,7\n',
  '\r\nh,k\r\n1,"a\r\nb"\r\n2,3\r\n',
])('fixed input %j cut at every byte: the byte path gives the text path\'s answer', (text) => {
  const bytes = Buffer.from(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
    expect({ cut, ...viaSplitter(chunks) }).toEqual({ cut, ...viaText(chunks) });
  }
});

import { parse } from 'csv-parse';
import { CsvSplitter } from '../../lambda/csv/splitter';

/**
 * lambda/csv/splitter.ts must give exactly csv-parse's records and errors for the options the
 * analysis uses, whatever the chunking: fixed tricky inputs, then seeded random inputs over an
 * alphabet of delimiters, quotes, line breaks, a BOM and multi-byte characters, cut into random
 * chunks (multi-byte characters split too), with a small max_record_size so the handover to
 * csv-parse is exercised as often as the fast path.
 */
interface Outcome {
  records: string[][];
  error?: string;
}

function reference(chunks: Buffer[], maxRecordBytes: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const records: string[][] = [];
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: maxRecordBytes });
    parser.on('data', (r: string[]) => records.push(r));
    parser.on('end', () => resolve({ records }));
    parser.on('error', (err) => resolve({ records, error: err.message }));
    for (const c of chunks) parser.write(c);
    parser.end();
  });
}

function split(chunks: Buffer[], maxRecordBytes: number): Outcome {
  const records: string[][] = [];
  const splitter = new CsvSplitter((r) => records.push(r), maxRecordBytes);
  try {
    for (const c of chunks) splitter.write(c);
    splitter.end();
    return { records };
  } catch (err) {
    return { records, error: (err as Error).message };
  }
}

function chunked(text: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  return out;
}

const fixed = [
  'a,b,c\n1,2,3\n',
  'a,b\r\n1,2\r\n3,4',
  'a,b\r1,2\r',
  '\ufeffid,name\n1,"x, y"\n2,"say ""hi"""\n',
  'a,b\n"multi\nline",2\n\n\n3,4\n',
  'a,b\n1,"unterminated\n2,3\n',
  'a,b\n1,x"y\n',
  'a,b\n1,"x"y\n',
  'a,b\n""\n"",""\n',
  'a,b\n1,2\r\n3,4\n',
  'a,b\r\n1,"x\ny"\r\n2,"lone\rcr"\r\n',
  'h\n' + 'x'.repeat(100) + '\n',
  'h\n"' + 'y'.repeat(100) + '\n',
  'a,b\n1,"a"\r\n',
  '',
  '\n\n',
  'only,header',
  'é,😀\n"é😀",ü\n',
];

test.each(fixed.map((text, i) => [i, text] as const))('fixed input %i: the same records and errors as csv-parse', async (_i, text) => {
  for (const cuts of [[], [1], [2, 3, 5, 8, 13], Array.from({ length: 40 }, (_, k) => k)]) {
    for (const max of [1024 * 1024, 32]) {
      const chunks = chunked(text, cuts);
      expect({ text, cuts, max, ...split(chunks, max) }).toEqual({ text, cuts, max, ...(await reference(chunks, max)) });
    }
  }
});

test('seeded random inputs in random chunks: the same records and errors as csv-parse', async () => {
  const alphabet = ['a', 'b', ',', ',', '"', '"', '\r', '\n', '\n', ' ', 'é', '😀', 'x', '1'];
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let differences = 0;
  for (let round = 0; round < 3000; round++) {
    const length = next(60);
    let text = next(20) === 0 ? '\ufeff' : '';
    for (let i = 0; i < length; i++) text += alphabet[next(alphabet.length)];
    const cuts = Array.from({ length: next(6) }, () => next(80));
    const max = [16, 40, 1024][next(3)]!;
    const chunks = chunked(text, cuts);
    const got = split(chunks, max);
    const want = await reference(chunks, max);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      differences++;
      if (differences <= 3) expect({ text, cuts, max, ...got }).toEqual({ text, cuts, max, ...want });
    }
  }
  expect(differences).toBe(0);
});

/** The bad-input corpus: CSV shape problems. */
import type { CorpusCase } from './types';
import { BINARY_PNG } from './samples';

const HOUR = '2026-11-24-03';

export const CSV_CASES: readonly CorpusCase[] = [
  {
    id: 'csv-inconsistent-columns',
    handler: 'upload-processor',
    input: 'CSV rows with too few and too many columns',
    objects: [{ key: 'uploads/corpus/ragged.csv', body: { text: 'id,name,price\n1,apple,1.5\n2,pear\n3,plum,2,extra\n4,fig,3\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: {
        'analysis/uploads/corpus/ragged.csv': {
          status: 'succeeded',
          rowCount: 2,
          invalidRowCount: 2,
          invalidRowExamples: [{ reason: /expected 3 columns, found 2/ }, { reason: /expected 3 columns, found 4/ }],
        },
      },
      notifications: [{ event: 'analysis.completed' }],
    },
  },
  {
    id: 'csv-no-header',
    handler: 'upload-processor',
    input: 'CSV without a header row (first line is data)',
    objects: [{ key: 'uploads/corpus/no-header.csv', body: { text: '1,2.5,3\n4,5,6\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/no-header.csv': { status: 'failed', reason: /no header row: the first line .* is all numbers/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'batch-mixed-bad',
    handler: 'hourly-batch',
    input: 'hourly batch over an empty CSV, a binary CSV and a good CSV',
    objects: [
      { key: `uploads/${HOUR}/empty.csv`, body: { text: '' } },
      { key: `uploads/${HOUR}/binary.csv`, body: { hex: BINARY_PNG } },
      { key: `uploads/${HOUR}/good.csv`, body: { text: 'a,b\n1,2\n3,4\n' } },
    ],
    event: { scheduled: { hour: HOUR } },
    expected: {
      kind: 'recorded',
      result: { summary: { hour: HOUR, objects: 3, succeeded: 1, failed: 2, rows: 2 } },
      kv: { [`batch/processed-${HOUR}`]: { objects: 3, succeeded: 1, failed: 2, rows: 2 } },
      notifications: [],
    },
  },
];

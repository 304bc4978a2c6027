/**
 * The bad-input corpus, class 8 of issue 14: the hourly batch reports only what it analysed.
 * Objects it cannot analyse (binary, archived) are counted as skipped with the reason in
 * batch/processed-<hour>, malformed CSV as failed, and neither is deleted as if processed.
 */
import type { CorpusCase } from './types';
import { BINARY_PNG } from './samples';

export const BATCH_SKIP_CASES: readonly CorpusCase[] = [
  {
    id: 'batch-binary-skipped',
    handler: 'hourly-batch',
    input: 'hour with a CSV and a binary object: the CSV is analysed and removed, the binary one skipped and kept',
    objects: [
      { key: 'uploads/2031-01-02-01/ok.csv', body: { text: 'a\n1\n' } },
      { key: 'uploads/2031-01-02-01/photo.png', body: { hex: BINARY_PNG } },
    ],
    event: { scheduled: { hour: '2031-01-02-01' } },
    expected: {
      kind: 'recorded',
      result: { summary: { objects: 2, succeeded: 1, skipped: 1, rows: 1 } },
      kv: {
        'batch/processed-2031-01-02-01': {
          objects: 2, succeeded: 1, failed: 0, skipped: 1, bytes: 4,
          notAnalysed: [{ key: 'uploads/2031-01-02-01/photo.png', status: 'skipped', reason: /binary content/ }],
        },
      },
      current: ['uploads/2031-01-02-01/photo.png'],
      notCurrent: ['uploads/2031-01-02-01/ok.csv'],
      notifications: [],
    },
  },
  {
    id: 'batch-archived-skipped',
    handler: 'hourly-batch',
    input: 'hour with an archived (GLACIER) CSV: skipped with how to restore, kept, and the run is not dead-lettered',
    objects: [{ key: 'uploads/2031-01-02-02/cold.csv', body: { text: 'a\n1\n' }, storageClass: 'GLACIER' }],
    event: { scheduled: { hour: '2031-01-02-02' } },
    expected: {
      kind: 'recorded',
      kv: {
        'batch/processed-2031-01-02-02': {
          objects: 1, succeeded: 0, skipped: 1, rows: 0,
          notAnalysed: [{ key: 'uploads/2031-01-02-02/cold.csv', status: 'skipped', reason: /archived \(GLACIER\).*restore/ }],
        },
      },
      current: ['uploads/2031-01-02-02/cold.csv'],
      notifications: [],
    },
  },
  {
    id: 'batch-malformed-failed',
    handler: 'hourly-batch',
    input: 'hour with a binary file named .csv: counted as failed with the reason, kept for a person',
    objects: [{ key: 'uploads/2031-01-02-03/picture.csv', body: { hex: BINARY_PNG } }],
    event: { scheduled: { hour: '2031-01-02-03' } },
    expected: {
      kind: 'recorded',
      kv: {
        'batch/processed-2031-01-02-03': {
          objects: 1, succeeded: 0, failed: 1, skipped: 0,
          notAnalysed: [{ key: 'uploads/2031-01-02-03/picture.csv', status: 'failed', reason: /binary content/ }],
        },
      },
      current: ['uploads/2031-01-02-03/picture.csv'],
      notifications: [],
    },
  },
];

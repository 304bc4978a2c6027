/**
 * The bad-input corpus, class 7 of issue 14 (pipeline part): a file whose content contradicts the
 * format its name declares is recorded "unverifiable" (or rejected) with the reason and notified,
 * never "verified" — even when its hash metadata matches the bytes.
 */
import { createHash } from 'node:crypto';
import type { CorpusCase } from './types';
import { BINARY_PNG } from './samples';

const sha256 = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const hexOf = (text: string) => Buffer.from(text).toString('hex');
const TEXT_PARQUET = hexOf('id,name\n1,a\n2,b\n');
const HEAD_ONLY_PARQUET = hexOf('PAR1 then text, no footer and no closing magic\n');
const BINARY_JSONL = `${hexOf('{"a":1}\n')}000102${hexOf('\n')}`;
const UNCLOSED_QUOTE_CSV = hexOf('a,b\n1,"never closed\n2,3\n');

function unverifiable(id: string, file: string, hex: string, input: string, reason: RegExp): CorpusCase {
  const key = `datasets/v8.0.0/${file}`;
  return {
    id,
    handler: 'datasets-verify',
    input,
    objects: [{ key, body: { hex }, metadata: { hash: sha256(hex), rows: '2' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'unverifiable', alert: 'published', problems: [reason] },
      kv: { [`dataset/v8.0.0/${file}`]: { status: 'unverifiable', problems: [reason], objectKey: key, actual: { sha256: sha256(hex) } } },
      kvListed: { [`alert/dataset-unverifiable/v8.0.0/${file}@`]: { status: 'unverifiable', objectKey: key, notified: true } },
      notifications: [{ event: 'datasets.unverifiable', body: { objectKey: key, reason } }],
    },
  };
}

export const FORMAT_CASES: readonly CorpusCase[] = [
  unverifiable('format-text-as-parquet', 'train.parquet', TEXT_PARQUET, 'CSV text named .parquet, with a matching hash', /named \.parquet but not Parquet: no PAR1 magic at the head/),
  unverifiable('format-parquet-head-only', 'half.parquet', HEAD_ONLY_PARQUET, 'PAR1 at the head but not at the tail (truncated or not Parquet)', /no PAR1 magic at the tail/),
  unverifiable('format-parquet-tiny', 'tiny.parquet', hexOf('PAR1'), 'a 4-byte .parquet (magic only, no footer)', /too small for a Parquet file/),
  unverifiable('format-binary-csv-dataset', 'image.csv', BINARY_PNG, 'a PNG named .csv in the datasets flow', /named \.csv but binary: NUL bytes/),
  unverifiable('format-binary-jsonl-dataset', 'events.jsonl', BINARY_JSONL, '.jsonl with NUL bytes after its first line', /named \.jsonl but binary/),
  unverifiable('format-unparseable-csv-dataset', 'quoted.csv', UNCLOSED_QUOTE_CSV, '.csv whose quote never closes (csv-parse refuses it)', /not readable as csv: .*[Qq]uote/),
  {
    id: 'format-binary-json-fanout',
    handler: 'fan-out',
    input: 'a PNG named .json in raw-data/: rejected with the reason, never processed',
    objects: [{ key: 'raw-data/corpus/picture.json', body: { hex: BINARY_PNG } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      s3Json: { 'processed-data/corpus/picture.json': { status: 'rejected', validation: { valid: false, errors: [/not valid JSON/] } } },
      notifications: [{ event: 'fanout.rejected', body: { errors: [/not valid JSON/] } }],
    },
  },
];

/** The bad-input corpus: empty, binary, huge and invalid UTF-8 objects. */
import type { CorpusCase } from './types';
import { BINARY_PNG } from './samples';

/** "na\xefve,\xff" : a Latin-1 byte and a byte that is never valid in UTF-8. */
const INVALID_UTF8_CSV = '6e616d652c76616c75650a6e61ef76652c310aff2c320a';

export const BYTES_CASES: readonly CorpusCase[] = [
  {
    id: 'empty-csv',
    handler: 'upload-processor',
    input: 'empty file (0 bytes)',
    objects: [{ key: 'uploads/corpus/empty.csv', body: { text: '' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'failed', reason: /no header row/ },
      kv: { 'analysis/uploads/corpus/empty.csv': { status: 'failed', reason: /empty file: no header row/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'binary-csv',
    handler: 'upload-processor',
    input: 'binary file (a PNG) named .csv',
    objects: [{ key: 'uploads/corpus/picture.csv', body: { hex: BINARY_PNG } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/picture.csv': { status: 'failed', reason: /binary content/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'huge-record-csv',
    handler: 'upload-processor',
    input: 'huge file: one 1.5 MiB CSV record (over the 1 MiB record bound), streamed',
    objects: [{ key: 'uploads/corpus/huge-record.csv', body: { stream: { head: 'id,blob\n1,', line: 'x'.repeat(1024), bytes: 1536 * 1024 } } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/huge-record.csv': { status: 'failed', reason: /malformed CSV near record/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'huge-json-fanout',
    handler: 'fan-out',
    input: 'huge file: 5.5 MiB JSON document (over the 5 MiB parse bound), streamed; event without size',
    objects: [{ key: 'raw-data/corpus/huge.json', body: { stream: { head: '[', line: `${JSON.stringify({ pad: 'y'.repeat(1000) })},`, bytes: 5632 * 1024 } } }],
    event: { created: true, omitSize: true },
    expected: {
      kind: 'recorded',
      s3Json: { 'processed-data/corpus/huge.json': { status: 'rejected', validation: { valid: false, errors: [/larger than 5242880 bytes/] } } },
      notifications: [{ event: 'fanout.rejected' }],
    },
  },
  {
    id: 'huge-component-codegen',
    handler: 'codegen-validate',
    input: 'huge file: 1.2 MiB generated source (over the 1 MiB component bound), streamed',
    objects: [{ key: 'codegen/session-corpus-huge/api.py', body: { stream: { head: '', line: 'x = 1\n', bytes: 1228 * 1024 } } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'codegen/session-corpus-huge/api.py': { status: 'invalid', reason: /larger than 1048576 bytes/ } },
      kvAbsent: ['codegen/session-corpus-huge/merged'],
      notifications: [{ event: 'codegen.rejected' }],
    },
  },
  {
    id: 'invalid-utf8-csv',
    handler: 'upload-processor',
    input: 'invalid UTF-8 bytes in a CSV',
    objects: [{ key: 'uploads/corpus/latin1.csv', body: { hex: INVALID_UTF8_CSV } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/latin1.csv': { status: 'failed', reason: /not valid UTF-8/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'invalid-utf8-cut-char',
    handler: 'upload-processor',
    input: 'CSV that ends inside a multi-byte UTF-8 character (truncated upload)',
    objects: [{ key: 'uploads/corpus/cut-char.csv', body: { hex: '6e616d650a6361666ec3' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/cut-char.csv': { status: 'failed', reason: /ends inside a multi-byte character/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'utf8-multibyte-streamed',
    handler: 'upload-processor',
    input: 'valid 200 KB UTF-8 CSV of 2- and 3-byte characters, split across stream chunks (no false rejection)',
    objects: [{ key: 'uploads/corpus/multibyte.csv', body: { stream: { head: 'name,mark\n', line: 'ünïcødé ✓,€\n', bytes: 10 + 20 * 10_000 } } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/multibyte.csv': { status: 'succeeded', rowCount: 10_000, bytes: 200_010 } },
      notifications: [{ event: 'analysis.completed' }],
    },
  },
  {
    id: 'invalid-utf8-codegen',
    handler: 'codegen-validate',
    input: 'invalid UTF-8 bytes in generated source',
    objects: [{ key: 'codegen/session-corpus-utf8/models.py', body: { hex: '636c61737320ff3a0a' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'codegen/session-corpus-utf8/models.py': { status: 'invalid', reason: /not valid UTF-8/ } },
      notifications: [{ event: 'codegen.rejected' }],
    },
  },
  {
    id: 'empty-component-codegen',
    handler: 'codegen-validate',
    input: 'empty generated component',
    objects: [{ key: 'codegen/session-corpus-empty/tests.py', body: { text: '' } }],
    event: { created: true },
    expected: { kind: 'recorded', kv: { 'codegen/session-corpus-empty/tests.py': { status: 'invalid', reason: /empty file/ } }, notifications: [{ event: 'codegen.rejected' }] },
  },
  {
    id: 'syntax-error-codegen',
    handler: 'codegen-validate',
    input: 'generated Python with a syntax error',
    objects: [{ key: 'codegen/session-corpus-syntax/api.py', body: { text: 'def handler(event:\n    return {"ok": True}\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'invalid' },
      kv: { 'codegen/session-corpus-syntax/api.py': { status: 'invalid', reason: /line 1|syntax/i } },
      kvAbsent: ['codegen/session-corpus-syntax/merged'],
      notifications: [{ event: 'codegen.rejected' }],
    },
  },
];

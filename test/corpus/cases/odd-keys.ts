/**
 * The bad-input corpus, class 4 of issue 14: any key S3 accepts (control characters, 1,024 bytes,
 * unicode, literal `%` and `+`) gets its pipeline result or a recorded failure and a notification,
 * in every handler family, line breaks included (local/emulator/moto_keys.py routes them; moto
 * answered 404 for a key with `\n`). A kvstore key that cannot hold the object key as is is derived by
 * safeKey (head, then `#sha256:<hex>`); the record keeps the object key exactly.
 */
import { safeKey } from '../../../core/kvstore-key';
import { processedKey } from '../../../lambda/fanout/stages';
import type { CorpusCase } from './types';

/** A key of exactly `bytes` UTF-8 bytes: prefix, two-byte `é`s, ASCII fill, suffix. */
export function keyOfBytes(prefix: string, suffix: string, bytes = 1024): string {
  const room = bytes - Buffer.byteLength(prefix) - Buffer.byteLength(suffix);
  const wide = Math.floor(room / 4);
  const key = `${prefix}${'é'.repeat(wide)}${'k'.repeat(room - wide * 2)}${suffix}`;
  if (Buffer.byteLength(key) !== bytes) throw new Error(`keyOfBytes: ${Buffer.byteLength(key)} bytes`);
  return key;
}

const CTRL_CSV = 'uploads/corpus/ctrl line\nfeed\rbreak\ttab\u0001soh\u007fdel.csv';
const LONG_CSV = keyOfBytes('uploads/corpus/long-', '.csv');
const ENCODED_CSV = 'uploads/corpus/100%25 done+%2B plus+space .csv';
const CTRL_JSON = 'raw-data/corpus/ctrl\u0001\r\n.json';
const LONG_JSON = keyOfBytes('raw-data/corpus/long-', '.json');
const CTRL_REPLICA = 'critical/corpus/ctrl\r\n\u0002.txt';
const LONG_AUDIT = keyOfBytes('uploads/corpus/audit-\u0001\u001f', '.txt');
const LONG_DATASET = keyOfBytes('datasets/v9.0.0/ctrl\t', '.jsonl');
const LONG_COMPONENT = keyOfBytes('codegen/session-corpus-long/mod\t', '.py');
const BATCH_HOUR = '2031-01-01-04';
const BATCH_CTRL = `uploads/${BATCH_HOUR}/ctrl\u0001\r\n.csv`;
const BATCH_LONG = keyOfBytes(`uploads/${BATCH_HOUR}/long-`, '.csv');
const JSONL = '{"a":1}\n{"a":2}\n';
/** A well-formed sha256 that is not the content's: the mismatch alert's key is derived too. */
const WRONG_SHA = 'f6fd4c8e1b4f4b3ca5a7b0d1b8c6e8a0f3f1f0e3b0a6a1c2d3e4f5a6b7c8d9e0';

export const ODD_KEY_CASES: readonly CorpusCase[] = [
  {
    id: 'key-control-chars-csv',
    handler: 'upload-processor',
    input: 'key with \\n, \\r, \\t, \\x01 and \\x7f: kvstore refuses control characters, so analysis/<key> is derived',
    objects: [{ key: CTRL_CSV, body: { text: 'a,b\n1,2\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'succeeded', written: true, published: true },
      kv: { [safeKey(`analysis/${CTRL_CSV}`)]: { status: 'succeeded', rowCount: 1, key: CTRL_CSV } },
      notifications: [{ event: 'analysis.completed', subject: /^Analysis complete for uploads\/corpus\/ctrl line\?feed\?break\?tab\?soh\?del\.csv$/, body: { key: CTRL_CSV } }],
    },
  },
  {
    id: 'key-1024-bytes-csv',
    handler: 'upload-processor',
    input: 'key of exactly 1,024 bytes (S3\'s limit): analysis/<key> would be 1,033 bytes, over DynamoDB\'s sort key limit',
    objects: [{ key: LONG_CSV, body: { text: 'a\n1\n2\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { [safeKey(`analysis/${LONG_CSV}`)]: { status: 'succeeded', rowCount: 2, key: LONG_CSV } },
      kvAbsent: [],
      notifications: [{ event: 'analysis.completed', body: { key: LONG_CSV, resultKey: /#sha256:[0-9a-f]{64}$/ } }],
    },
  },
  {
    id: 'key-literal-percent-plus',
    handler: 'upload-processor',
    input: 'key with literal %25, %2B and + (a classic S3 notification would URL-encode them; EventBridge does not): never decoded',
    objects: [{ key: ENCODED_CSV, body: { text: 'a\n1\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { [`analysis/${ENCODED_CSV}`]: { status: 'succeeded', key: ENCODED_CSV } },
      kvAbsent: ['analysis/uploads/corpus/100% done++ plus space .csv'],
      notifications: [{ event: 'analysis.completed', body: { key: ENCODED_CSV } }],
    },
  },
  {
    id: 'key-dot-segments-csv',
    handler: 'upload-processor',
    input: 'key with `..` and `.` segments and a double slash (S3 keys are names, not paths: never normalised)',
    objects: [{ key: 'uploads/corpus/a/../b/./c//d.csv', body: { text: 'a\n1\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/a/../b/./c//d.csv': { status: 'succeeded', key: 'uploads/corpus/a/../b/./c//d.csv' } },
      kvAbsent: ['analysis/uploads/corpus/b/c/d.csv'],
      notifications: [{ event: 'analysis.completed', body: { key: 'uploads/corpus/a/../b/./c//d.csv' } }],
    },
  },
  {
    id: 'key-archived-csv',
    handler: 'upload-processor',
    input: 'object in GLACIER (archived): recorded as a failed analysis saying how to restore, not dead-lettered',
    objects: [{ key: 'uploads/corpus/archived.csv', body: { text: 'a\n1\n' }, storageClass: 'GLACIER' }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'failed', reason: /is archived \(GLACIER\).*restore it/ },
      kv: { 'analysis/uploads/corpus/archived.csv': { status: 'failed', reason: /archived/ } },
      notifications: [{ event: 'analysis.failed', body: { reason: /archived/ } }],
    },
  },
  {
    id: 'key-control-chars-fanout',
    handler: 'fan-out',
    input: 'raw-data key with \\x01 and \\r: the join and notified/ keys are derived, the merged document keeps the key',
    objects: [{ key: CTRL_JSON, body: { text: '{"id":1}' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      s3Json: { [processedKey(CTRL_JSON)]: { status: 'processed', source: { key: CTRL_JSON } } },
      notifications: [{ event: 'fanout.processed', body: { source: { key: CTRL_JSON } } }],
    },
  },
  {
    id: 'key-1024-bytes-fanout',
    handler: 'fan-out',
    input: 'raw-data key of 1,024 bytes: processed-data/<key> would exceed S3\'s limit, so the output key ends in the hash',
    objects: [{ key: LONG_JSON, body: { text: '[{"id":1}]' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      s3Json: { [processedKey(LONG_JSON)]: { status: 'processed', source: { key: LONG_JSON } } },
      notifications: [{ event: 'fanout.processed', body: { outputKey: /^processed-data\/corpus\/long-.*#sha256:[0-9a-f]{64}$/ } }],
    },
  },
  {
    id: 'key-control-chars-replica',
    handler: 'replica-processor',
    input: 'replicated key with \\r and \\x02: replica/<key> is derived, the record keeps the key',
    objects: [{ key: CTRL_REPLICA, body: { text: 'important\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'processed', written: true },
      kv: { [safeKey(`replica/${CTRL_REPLICA}`)]: { status: 'processed', key: CTRL_REPLICA } },
      notifications: [],
    },
  },
  {
    id: 'key-1024-bytes-audit',
    handler: 'audit-recorder',
    input: 'Object Created for a 1,024-byte key with control characters (the audit table keys on the object key)',
    objects: [{ key: LONG_AUDIT, body: { text: 'x' } }],
    event: { created: true },
    expected: { kind: 'recorded', result: { recorded: true, eventType: 'Object Created', key: LONG_AUDIT }, notifications: [] },
  },
  {
    id: 'key-odd-codegen-component',
    handler: 'codegen-validate',
    input: 'codegen component whose merged/ copy would exceed 1,024 bytes: invalid, recorded and notified',
    objects: [{ key: LONG_COMPONENT, body: { text: 'x = 1\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'invalid' },
      kv: { [safeKey(LONG_COMPONENT)]: { status: 'invalid', reason: /over S3's 1024-byte key limit/ } },
      notifications: [{ event: 'codegen.rejected', body: { objectKey: LONG_COMPONENT, reason: /1024-byte key limit/ } }],
    },
  },
  {
    id: 'key-outside-session-codegen',
    handler: 'codegen-validate',
    input: 'upload under codegen/ outside any session (session id with a space): rejected where a user looks, not ignored',
    objects: [{ key: 'codegen/session-bad id/api.py', body: { text: 'x = 1\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { skipped: true, rejected: /is not a session component/, notified: 'published' },
      kvListed: { 'codegen/rejected/session-bad id/api.py@': { status: 'rejected', objectKey: 'codegen/session-bad id/api.py', notified: true } },
      notifications: [{ event: 'codegen.rejected', body: { reason: /upload as codegen\/session-<id>\/<file>/ } }],
    },
  },
  {
    id: 'key-control-version-artifact',
    handler: 'artifacts-deploy',
    input: 'artifact whose version segment holds \\x01 (it would name kvstore keys): rejected, recorded and notified',
    objects: [{ key: 'artifacts/v1\u0001/app.zip', body: { text: 'zip' }, metadata: { version: 'v1', commit: 'abc' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: /is not an artifact key/ },
      kvListed: { 'deployment/rejected/v1?/app.zip@': { status: 'rejected', objectKey: 'artifacts/v1\u0001/app.zip' } },
      notifications: [{ event: 'artifacts.rejected', subject: /^artifact rejected: artifacts\/v1\?\/app\.zip$/ }],
    },
  },
  {
    id: 'key-no-version-model',
    handler: 'models-lineage',
    input: 'model uploaded without a version directory (models/model.pkl): rejected, recorded and notified, not ignored',
    objects: [{ key: 'models/model.pkl', body: { hex: '80049500' }, metadata: { dataset_version: 'v1' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: 'not a model key' },
      kvListed: { 'lineage/rejected/model.pkl@': { status: 'rejected', objectKey: 'models/model.pkl', reason: /upload as models\/<version>\/<file>/ } },
      notifications: [{ event: 'models.rejected' }],
    },
  },
  {
    id: 'key-1024-bytes-dataset',
    handler: 'datasets-verify',
    input: 'dataset key of 1,024 bytes with a tab: dataset/<version>/<file> and the alert key are derived; checked against its hash',
    objects: [{ key: LONG_DATASET, body: { text: JSONL }, metadata: { rows: '2', hash: WRONG_SHA } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'mismatch' },
      kv: { [safeKey(`dataset/${LONG_DATASET.slice('datasets/'.length)}`)]: { status: 'mismatch', objectKey: LONG_DATASET, actual: { rows: 2 } } },
      notifications: [{ event: 'datasets.mismatch', body: { objectKey: LONG_DATASET } }],
    },
  },
  {
    id: 'key-odd-hourly-batch',
    handler: 'hourly-batch',
    input: 'hourly batch over keys with control characters and of 1,024 bytes: done markers derived, both analysed',
    objects: [
      { key: BATCH_CTRL, body: { text: 'a\n1\n' } },
      { key: BATCH_LONG, body: { text: 'a\n1\n2\n' } },
    ],
    event: { scheduled: { hour: BATCH_HOUR } },
    expected: {
      kind: 'recorded',
      kv: { [`batch/processed-${BATCH_HOUR}`]: { objects: 2, succeeded: 2, failed: 0, skipped: 0, rows: 3, notAnalysed: [] } },
      notifications: [],
    },
  },
];

/**
 * The bad-input corpus (issue 7 item 5): inputs the pipeline handlers must survive, each with the
 * outcome the handler's design promises. Data only; test/corpus/run-case.ts turns a case into
 * objects in moto, an event and an invocation, and corpus.test.ts compares what was recorded.
 *
 * Three outcomes, from the handlers' design:
 * - `dlq`: the event itself is unusable (not an S3 event, wrong types, truncated) or the failure is
 *   not the input's fault. The handler throws; Lambda retries the async invocation and then puts
 *   the event, with the error message, on the function's dead-letter queue, where
 *   `npm run redrive` replays it once fixed. Nothing is written.
 * - `recorded`: the event is fine but the object is bad (empty, binary, huge, deleted, wrong
 *   metadata). The handler stores a status with the reason (and notifies when the design says so)
 *   and returns normally: retrying would never help, so it must not be dead-lettered.
 * - `ignored`: the handler's rule matched, but the object is not one the handler owns (returned as
 *   skipped).
 */

export type CorpusHandler =
  | 'upload-processor'
  | 'fan-out'
  | 'hourly-batch'
  | 'replica-processor'
  | 'audit-recorder'
  | 'codegen-validate'
  | 'logs-analyze'
  | 'artifacts-deploy'
  | 'datasets-verify'
  | 'models-lineage';

/** How an object's bytes are made; `stream` is generated on the fly and uploaded as a multipart stream. */
export type BodySpec = { readonly text: string } | { readonly hex: string } | { readonly stream: { readonly head: string; readonly line: string; readonly bytes: number } };

export interface ObjectSpec {
  readonly key: string;
  readonly body: BodySpec;
  readonly metadata?: Readonly<Record<string, string>>;
  /** After the upload: remove that exact version (NoSuchVersion), or add a delete marker. */
  readonly then?: 'delete-version' | 'delete-marker';
}

/**
 * `created`: the "Object Created" event S3 sends for each object, in order (the last invocation's
 * result is the case's result), optionally damaged: `unset` removes dotted paths, `set` overwrites them. `detailType` sends another
 * S3 event type for the same object. `raw`: exactly this value is the event. `scheduled`: an
 * EventBridge "Scheduled Event" (hourly handlers), with `detail.hour` when given.
 */
export type EventSpec =
  | {
      readonly created: true;
      readonly detailType?: string;
      readonly omitVersion?: boolean;
      readonly omitSize?: boolean;
      readonly set?: Readonly<Record<string, unknown>>;
      readonly unset?: readonly string[];
    }
  | { readonly raw: unknown }
  | { readonly scheduled: { readonly hour?: string } };

/** A partial value: objects match as subsets, RegExps match strings. */
export type Expect = unknown;

export type Outcome =
  | { readonly kind: 'dlq'; readonly error: string; readonly message: RegExp }
  | {
      readonly kind: 'recorded' | 'ignored';
      /** What the handler returned (Lambda's async result; Powertools keeps it for duplicates). */
      readonly result?: Expect;
      /** kvstore items that must hold these values. */
      readonly kv?: Readonly<Record<string, Expect>>;
      /** kvstore keys that must not exist (nothing half-written). */
      readonly kvAbsent?: readonly string[];
      /** S3 objects (JSON) that must hold these values. */
      readonly s3Json?: Readonly<Record<string, Expect>>;
      /** Exactly these notifications, in any order: event type (pipeline topic) or subject. */
      readonly notifications: ReadonlyArray<{ readonly event?: string; readonly subject?: RegExp; readonly body?: Expect }>;
    };

export interface CorpusCase {
  readonly id: string;
  readonly handler: CorpusHandler;
  /** What is wrong with the input, for the table. */
  readonly input: string;
  readonly objects?: readonly ObjectSpec[];
  readonly event: EventSpec;
  readonly expected: Outcome;
  /**
   * The handler does not do this yet: the case runs as an expected failure (jest test.failing), so
   * the suite stays green while the bug is open and turns red the day it is fixed, to drop this.
   */
  readonly knownBug?: string;
}

const HOUR = '2026-11-24-03';
const BINARY_PNG = '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082';
/** "na\xefve,\xff" : a Latin-1 byte and a byte that is never valid in UTF-8. */
const INVALID_UTF8_CSV = '6e616d652c76616c75650a6e61ef76652c310aff2c320a';
const DATASET_CSV = 'id,label\n1,cat\n2,dog\n3,bird\n';
const DATASET_CSV_SHA = 'c3d5ee7a3d7a1f6a9b0b7e0e1d9f6f3f2a8b2d9c3c2f7a1e0d8b7c6a5f4e3d2c';

export const CASES: readonly CorpusCase[] = [
  // ---- malformed and truncated events: thrown, retried, dead-lettered -------------------------
  {
    id: 'event-missing-detail',
    handler: 'upload-processor',
    input: 'S3 event without `detail`',
    objects: [{ key: 'uploads/corpus/missing-detail.csv', body: { text: 'a\n1\n' } }],
    event: { created: true, unset: ['detail'] },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /^malformed S3 event: detail: / },
  },
  {
    id: 'event-size-as-string',
    handler: 'upload-processor',
    input: 'wrong type: `detail.object.size` is the string "12"',
    objects: [{ key: 'uploads/corpus/size-string.csv', body: { text: 'a\n1\n' } }],
    event: { created: true, set: { 'detail.object.size': '12' } },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /detail\.object\.size: .*number/ },
  },
  {
    id: 'event-bucket-as-number',
    handler: 'fan-out',
    input: 'wrong type: `detail.bucket.name` is a number',
    objects: [{ key: 'raw-data/corpus/bucket-number.json', body: { text: '{"a":1}' } }],
    event: { created: true, set: { 'detail.bucket.name': 42 } },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /detail\.bucket\.name: / },
  },
  {
    id: 'event-not-s3',
    handler: 'upload-processor',
    input: 'not an S3 event: an EventBridge Scheduled Event',
    event: { scheduled: {} },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /source: / },
  },
  {
    id: 'event-sqs-record',
    handler: 'audit-recorder',
    input: 'not an S3 event: an SQS batch ({Records:[...]}) sent to the wrong target',
    event: { raw: { Records: [{ messageId: '1', body: '{}', eventSource: 'aws:sqs' }] } },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /^malformed S3 event: id: / },
  },
  {
    id: 'event-json-string',
    handler: 'codegen-validate',
    input: 'the event is a JSON string (double-encoded), not an object',
    event: { raw: '{"source":"aws.s3","detail-type":"Object Created"}' },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /expected object, received string/ },
  },
  {
    id: 'event-null',
    handler: 'datasets-verify',
    input: 'the event is null',
    event: { raw: null },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /expected object, received null/ },
  },
  {
    id: 'event-bigint-size',
    handler: 'replica-processor',
    input: 'non-JSON-able value: `size` is a BigInt',
    objects: [{ key: 'critical/corpus/bigint.txt', body: { text: 'x' } }],
    event: { created: true, set: { 'detail.object.size': BigInt(1) } },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /detail\.object\.size: .*number/ },
  },
  {
    id: 'event-truncated-object',
    handler: 'upload-processor',
    input: 'truncated event: `detail.object` cut off (no key)',
    objects: [{ key: 'uploads/corpus/truncated.csv', body: { text: 'a\n1\n' } }],
    event: { created: true, unset: ['detail.object.key', 'detail.object.size', 'detail.object.version-id', 'detail.object.sequencer'] },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /detail\.object\.key: / },
  },
  {
    id: 'event-empty-key',
    handler: 'artifacts-deploy',
    input: 'truncated event: empty object key',
    objects: [{ key: 'artifacts/v9.9.9/empty-key.zip', body: { text: 'zip' } }],
    event: { created: true, set: { 'detail.object.key': '' } },
    expected: { kind: 'dlq', error: 'MalformedEventError', message: /detail\.object\.key: / },
  },
  {
    id: 'schedule-bad-hour',
    handler: 'logs-analyze',
    input: 'scheduled event naming an impossible hour (2026-02-30-25)',
    event: { scheduled: { hour: '2026-02-30-25' } },
    expected: { kind: 'dlq', error: 'InvalidHourError', message: /invalid hour "2026-02-30-25": use YYYY-MM-DD-HH/ },
  },
  {
    id: 'schedule-bad-hour-batch',
    handler: 'hourly-batch',
    input: 'scheduled event naming an hour in the wrong format',
    event: { scheduled: { hour: '24/11/2026 3h' } },
    expected: { kind: 'dlq', error: 'Error', message: /invalid hour "24\/11\/2026 3h": use YYYY-MM-DD-HH/ },
  },

  // ---- objects deleted before processing -------------------------------------------------------
  {
    id: 'deleted-version-csv',
    handler: 'upload-processor',
    input: 'object version deleted before processing (NoSuchVersion)',
    objects: [{ key: 'uploads/corpus/deleted.csv', body: { text: 'a,b\n1,2\n' }, then: 'delete-version' }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'failed', written: true, published: true },
      kv: { 'analysis/uploads/corpus/deleted.csv': { status: 'failed', reason: /is gone: NoSuch(Version|Key)/ } },
      notifications: [{ event: 'analysis.failed', body: { key: 'uploads/corpus/deleted.csv' } }],
    },
  },
  {
    id: 'deleted-key-csv',
    handler: 'upload-processor',
    input: 'unversioned event for a key deleted before processing (NoSuchKey)',
    objects: [{ key: 'uploads/corpus/delete-marker.csv', body: { text: 'a,b\n1,2\n' }, then: 'delete-marker' }],
    event: { created: true, omitVersion: true },
    expected: {
      kind: 'recorded',
      result: { status: 'failed' },
      kv: { 'analysis/uploads/corpus/delete-marker.csv': { status: 'failed', reason: /is gone: NoSuchKey/ } },
      notifications: [{ event: 'analysis.failed' }],
    },
  },
  {
    id: 'deleted-version-replica',
    handler: 'replica-processor',
    input: 'replicated object version deleted before processing',
    objects: [{ key: 'critical/corpus/gone.txt', body: { text: 'important\n' }, then: 'delete-version' }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'gone', written: true },
      kv: { 'replica/critical/corpus/gone.txt': { status: 'gone', reason: /is gone/ } },
      notifications: [],
    },
  },
  {
    id: 'deleted-version-fanout',
    handler: 'fan-out',
    input: 'raw-data document deleted before the three stages ran',
    objects: [{ key: 'raw-data/corpus/gone.json', body: { text: '{"a":1}' }, then: 'delete-version' }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      s3Json: { 'processed-data/corpus/gone.json': { status: 'rejected', validation: { valid: false, errors: [/is gone/] } } },
      notifications: [{ event: 'fanout.rejected' }],
    },
  },
  {
    id: 'deleted-version-dataset',
    handler: 'datasets-verify',
    input: 'dataset version deleted before verification',
    objects: [{ key: 'datasets/v0.0.1/gone.csv', body: { text: DATASET_CSV }, metadata: { rows: '3' }, then: 'delete-version' }],
    event: { created: true },
    expected: { kind: 'dlq', error: 'ObjectGoneError', message: /datasets\/v0\.0\.1\/gone\.csv .*is gone/ },
  },

  // ---- empty, binary, huge, invalid UTF-8 objects ----------------------------------------------
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
      notifications: [],
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
      notifications: [],
    },
  },
  {
    id: 'empty-component-codegen',
    handler: 'codegen-validate',
    input: 'empty generated component',
    objects: [{ key: 'codegen/session-corpus-empty/tests.py', body: { text: '' } }],
    event: { created: true },
    expected: { kind: 'recorded', kv: { 'codegen/session-corpus-empty/tests.py': { status: 'invalid', reason: /empty file/ } }, notifications: [] },
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
      notifications: [],
    },
  },

  // ---- CSV shape problems ----------------------------------------------------------------------
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

  // ---- logs that are not JSON ------------------------------------------------------------------
  {
    id: 'logs-not-json',
    handler: 'logs-analyze',
    input: 'log lines that are not JSON, truncated JSON, and a JSON array among ERROR lines',
    objects: [
      {
        key: 'logs/2026-11-24-05/agent-9.log',
        body: {
          text: [
            'ERROR plain text, not JSON',
            '{"level":"ERROR","msg":"truncated',
            '["ERROR"]',
            '{"level":"ERROR","msg":"disk full","timestamp":"2026-11-24T05:01:00Z"}',
            '{"level":"INFO","msg":"an error was handled"}',
            '{"level":"error","msg":"lower-case level"}',
            '',
          ].join('\n'),
        },
      },
    ],
    event: { scheduled: { hour: '2026-11-24-05' } },
    expected: {
      kind: 'recorded',
      result: { files: 1, lines: 6, errors: 2, alert: 'none' },
      s3Json: {
        'analytics/errors-2026-11-24-05.json': [
          { agent: 'agent-9', msg: 'disk full', source: 'logs/2026-11-24-05/agent-9.log' },
          { agent: 'agent-9', msg: 'lower-case level' },
        ],
      },
      notifications: [],
    },
  },

  // ---- wrong metadata types --------------------------------------------------------------------
  {
    id: 'artifact-no-metadata',
    handler: 'artifacts-deploy',
    input: 'artifact without `version` and `commit` metadata',
    objects: [{ key: 'artifacts/v7.0.0/app.zip', body: { text: 'zip' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: /lacks metadata version and commit: re-upload with --metadata version=v7\.0\.0/ },
      kvAbsent: ['deployment/latest-version', 'deployment/rollback-v7.0.0', 'deployment/total-deploys'],
      notifications: [],
    },
  },
  {
    id: 'artifact-version-mismatch',
    handler: 'artifacts-deploy',
    input: 'artifact whose `version` metadata contradicts its path',
    objects: [{ key: 'artifacts/v7.0.1/app.zip', body: { text: 'zip' }, metadata: { version: '7.0.1', commit: 'abc123' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: /metadata version "7\.0\.1" differs from its path version "v7\.0\.1"/ },
      kvAbsent: ['deployment/latest-version', 'deployment/rollback-v7.0.1'],
      notifications: [],
    },
  },
  {
    id: 'dataset-rows-not-numeric',
    handler: 'datasets-verify',
    input: 'dataset with non-numeric `rows` metadata ("three")',
    objects: [{ key: 'datasets/v0.1.0/train.csv', body: { text: DATASET_CSV }, metadata: { rows: 'three' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'unverified', alert: 'none' },
      kv: { 'dataset/v0.1.0/train.csv': { status: 'unverified', problems: [/metadata rows "three" is not a non-negative integer/, /no hash metadata/], actual: { rows: 3 } } },
      notifications: [],
    },
  },
  {
    id: 'dataset-hash-malformed',
    handler: 'datasets-verify',
    input: 'dataset with a malformed `hash` (md5-length, not sha256)',
    objects: [{ key: 'datasets/v0.2.0/train.csv', body: { text: DATASET_CSV }, metadata: { hash: 'd41d8cd98f00b204e9800998ecf8427e', rows: '3' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'dataset/v0.2.0/train.csv': { status: 'unverified', problems: [/is not a sha256 hex digest/, /no hash metadata/], expected: { hash: null, rows: 3 } } },
      notifications: [],
    },
  },
  {
    id: 'dataset-hash-mismatch',
    handler: 'datasets-verify',
    input: 'dataset whose content contradicts its well-formed `hash` and `rows`',
    objects: [{ key: 'datasets/v0.3.0/train.csv', body: { text: DATASET_CSV }, metadata: { hash: DATASET_CSV_SHA, rows: '4' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'mismatch', alert: 'published' },
      kv: { 'dataset/v0.3.0/train.csv': { status: 'mismatch', problems: [/differs from metadata hash/, /3 rows differ from metadata rows 4/] } },
      notifications: [{ subject: /dataset v0\.3\.0\/train\.csv does not match its metadata/ }],
    },
  },
  {
    id: 'model-no-dataset-version',
    handler: 'models-lineage',
    input: 'model without `dataset_version` metadata',
    objects: [{ key: 'models/v3.0/model.pkl', body: { hex: '80049500' }, metadata: { training_time: 'yesterday' } }],
    event: { created: true },
    expected: { kind: 'recorded', result: { rejected: 'missing dataset_version' }, kvAbsent: ['lineage/model/v3.0/model.pkl'], notifications: [] },
  },

  // ---- keys with spaces, unicode and + ---------------------------------------------------------
  {
    id: 'key-spaces-unicode-plus',
    handler: 'upload-processor',
    input: 'key with spaces, unicode and `+` (EventBridge sends keys unencoded)',
    objects: [{ key: 'uploads/corpus/Q3 report+final ünïcødé ✓.csv', body: { text: 'a,b\n1,2\n' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      kv: { 'analysis/uploads/corpus/Q3 report+final ünïcødé ✓.csv': { status: 'succeeded', rowCount: 1, key: 'uploads/corpus/Q3 report+final ünïcødé ✓.csv' } },
      notifications: [{ event: 'analysis.completed', body: { key: 'uploads/corpus/Q3 report+final ünïcødé ✓.csv' } }],
    },
  },
  {
    id: 'key-unicode-fanout',
    handler: 'fan-out',
    input: 'raw-data key with spaces, unicode and `+`',
    objects: [{ key: 'raw-data/corpus/données client+1 ✓.json', body: { text: '[{"id":1},{"id":2}]' } }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      s3Json: { 'processed-data/corpus/données client+1 ✓.json': { status: 'processed', validation: { valid: true, recordCount: 2 } } },
      notifications: [{ event: 'fanout.processed' }],
    },
  },
  {
    id: 'key-unicode-codegen-merge',
    handler: 'codegen-validate',
    input: 'codegen session with a unicode/space/+ component name declared in its manifest',
    objects: [
      { key: 'codegen/session-corpus-uni/manifest.json', body: { text: '{"components":["mödule one+.py"]}' } },
      { key: 'codegen/session-corpus-uni/mödule one+.py', body: { text: 'x = 1\n' } },
    ],
    event: { created: true },
    expected: {
      kind: 'recorded',
      s3Json: { 'codegen/session-corpus-uni/merged/report.json': { session: 'corpus-uni' } },
      notifications: [{ subject: /codegen session corpus-uni merged/ }],
    },
  },
  {
    id: 'key-unicode-audit-delete',
    handler: 'audit-recorder',
    input: 'Object Deleted event for a unicode key with spaces',
    objects: [{ key: 'uploads/corpus/été rapport+.txt', body: { text: 'x' } }],
    event: { created: true, detailType: 'Object Deleted' },
    expected: { kind: 'recorded', result: { recorded: true, eventType: 'Object Deleted', key: 'uploads/corpus/été rapport+.txt' }, notifications: [] },
  },
];

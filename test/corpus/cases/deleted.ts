/** The bad-input corpus: objects deleted before processing. */
import type { CorpusCase } from './types';
import { DATASET_CSV } from './samples';

export const DELETED_CASES: readonly CorpusCase[] = [
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
    expected: {
      kind: 'recorded',
      result: { status: 'rejected', alert: 'published', problems: [/datasets\/v0\.0\.1\/gone\.csv .*is gone/] },
      kvAbsent: ['dataset/v0.0.1/gone.csv'],
      notifications: [{ event: 'datasets.rejected', body: { objectKey: 'datasets/v0.0.1/gone.csv', reason: /is gone/ } }],
    },
  },
  {
    id: 'deleted-version-codegen',
    handler: 'codegen-validate',
    input: 'codegen component version deleted before validation: invalid with the reason, recorded and notified',
    objects: [{ key: 'codegen/session-corpus-gone/api.py', body: { text: 'x = 1\n' }, then: 'delete-version' }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { status: 'invalid' },
      kv: { 'codegen/session-corpus-gone/api.py': { status: 'invalid', reason: /is gone/ } },
      notifications: [{ event: 'codegen.rejected', body: { objectKey: 'codegen/session-corpus-gone/api.py', reason: /is gone/ } }],
    },
  },
  {
    id: 'deleted-version-artifact',
    handler: 'artifacts-deploy',
    input: 'artifact version deleted before its metadata was read: rejected, recorded and notified, not dead-lettered',
    objects: [{ key: 'artifacts/v7.9.0/gone.zip', body: { text: 'zip' }, metadata: { version: 'v7.9.0', commit: 'abc' }, then: 'delete-version' }],
    event: { created: true },
    expected: {
      kind: 'recorded',
      result: { rejected: /is gone/ },
      kvListed: { 'deployment/rejected/v7.9.0/gone.zip@': { status: 'rejected', reason: /is gone/, notified: true } },
      kvAbsent: ['deployment/rollback-v7.9.0'],
      notifications: [{ event: 'artifacts.rejected' }],
    },
  },
];

/** The bad-input corpus: keys with spaces, unicode and +. */
import type { CorpusCase } from './types';

export const KEY_CASES: readonly CorpusCase[] = [
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

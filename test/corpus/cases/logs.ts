/** The bad-input corpus: logs that are not JSON; logs that cannot be read (skipped, recorded, notified). */
import type { CorpusCase } from './types';
import { BINARY_PNG } from './samples';

export const LOG_CASES: readonly CorpusCase[] = [
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
  {
    id: 'logs-archived-and-odd-key',
    handler: 'logs-analyze',
    input: 'an hour with an archived (GLACIER) log and a log whose key holds \\r and \\x01 (XML listings would alter it)',
    objects: [
      { key: 'logs/2031-01-03-01/agent-1.log', body: { text: '{"level":"ERROR","msg":"cold"}\n' }, storageClass: 'GLACIER' },
      { key: 'logs/2031-01-03-01/agent\r\u0001-2.log', body: { text: '{"level":"ERROR","msg":"odd key"}\n' } },
    ],
    event: { scheduled: { hour: '2031-01-03-01' } },
    expected: {
      kind: 'recorded',
      result: { files: 2, errors: 1, alert: 'none', skipped: 1, skipNotice: 'published' },
      s3Json: { 'analytics/errors-2031-01-03-01.json': [{ msg: 'odd key', source: 'logs/2031-01-03-01/agent\r\u0001-2.log' }] },
      kv: { 'alert/logs-skipped-2031-01-03-01': { skippedCount: 1, skipped: [{ key: 'logs/2031-01-03-01/agent-1.log', reason: /archived \(GLACIER\)/ }], notified: true } },
      notifications: [{ event: 'logs.skipped', body: { hour: '2031-01-03-01', skippedCount: 1 } }],
    },
  },
  {
    id: 'logs-binary-content',
    handler: 'logs-analyze',
    input: 'a .log that is binary (a PNG): its lines are not analysed as text, and the file is reported, not silently counted',
    objects: [
      { key: 'logs/2031-01-03-02/agent-3.log', body: { hex: BINARY_PNG } },
      { key: 'logs/2031-01-03-02/agent-4.log', body: { text: '{"level":"ERROR","msg":"real"}\n' } },
    ],
    event: { scheduled: { hour: '2031-01-03-02' } },
    expected: {
      kind: 'recorded',
      result: { files: 2, errors: 1, skipped: 1, skipNotice: 'published' },
      s3Json: { 'analytics/errors-2031-01-03-02.json': [{ msg: 'real', source: 'logs/2031-01-03-02/agent-4.log' }] },
      kv: { 'alert/logs-skipped-2031-01-03-02': { skippedCount: 1, skipped: [{ key: 'logs/2031-01-03-02/agent-3.log', reason: /binary content \(NUL bytes\)/ }] } },
      notifications: [{ event: 'logs.skipped', body: { skipped: [{ key: 'logs/2031-01-03-02/agent-3.log', reason: /binary/ }] } }],
    },
  },
];

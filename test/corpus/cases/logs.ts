/** The bad-input corpus: logs that are not JSON. */
import type { CorpusCase } from './types';

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
];

import { GetObjectCommand } from '@aws-sdk/client-s3';
import { HandlerFixture, lambdaContext, startHandlerFixture } from '../handlers/fixture';

let h: HandlerFixture;
const context = lambdaContext();
let handler: (typeof import('../../lambda/logs-analyze'))['handler'];
beforeAll(async () => {
  h = await startHandlerFixture('eu-central-1', { ERROR_SPIKE_THRESHOLD: '2', LOG_ANALYSIS_ENGINE: 'stream' });
  ({ handler } = await import('../../lambda/logs-analyze'));
});
afterAll(() => h?.moto.stop());

const line = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level, timestamp: '2025-11-15T14:01:02Z', msg, ...extra });

async function errorsOf(hour: string): Promise<Array<Record<string, unknown>>> {
  const res = await h.s3.send(new GetObjectCommand({ Bucket: h.bucket, Key: `analytics/errors-${hour}.json` }));
  return JSON.parse((await res.Body?.transformToString()) ?? 'null') as Array<Record<string, unknown>>;
}

const scheduled = (time: string, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: `sched-${time}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time,
  region: 'eu-central-1',
  resources: [],
  detail: {},
  ...extra,
});

beforeAll(async () => {
  const hour = '2025-11-15-14';
  await h.put(`logs/${hour}/agent-1.log`, [line('INFO', 'start'), line('ERROR', 'db timeout', { code: 504 }), line('INFO', 'retrying after error')].join('\n') + '\n');
  await h.put(`logs/${hour}/agent-2.log`, [line('ERROR', 'oom'), 'not json at all ERROR', line('WARN', 'slow'), line('ERROR', 'disk full')].join('\r\n'));
  await h.put(`logs/${hour}/agent-3.log`, line('INFO', 'all good') + '\n');
  await h.put(`logs/${hour}/notes.txt`, line('ERROR', 'not a log file'));
  await h.put('logs/2025-11-15-13/agent-1.log', line('ERROR', 'previous hour') + '\n');
});

test("the hour's ERROR lines land in analytics/errors-<hour>.json; above the threshold the spike alerts once", async () => {
  const result = await handler({ hour: '2025-11-15-14' }, context);
  expect(result).toMatchObject({ hour: '2025-11-15-14', engine: 'stream', files: 3, lines: 8, errors: 3, alert: 'published' });
  const errors = await errorsOf('2025-11-15-14');
  expect(errors.map((e) => [e.agent, e.msg]).sort()).toEqual([
    ['agent-1', 'db timeout'],
    ['agent-2', 'disk full'],
    ['agent-2', 'oom'],
  ]);
  expect(errors.find((e) => e.msg === 'db timeout')).toMatchObject({ level: 'ERROR', code: 504, source: 'logs/2025-11-15-14/agent-1.log' });
  expect((await h.kv.get('alert/error-spike'))?.value).toBe(1);
  const sent = await h.drainNotifications();
  expect(sent).toHaveLength(1);
  expect(sent[0]?.body).toMatchObject({ scenario: 'logs', hour: '2025-11-15-14', errors: 3, threshold: 2 });

  // A duplicate run of the same hour (EventBridge re-send, or a manual re-tick) rewrites the same
  // report and neither counts nor alerts again.
  expect(await handler({ hour: '2025-11-15-14', id: 'another-run' }, context)).toMatchObject({ errors: 3, alert: 'already-notified' });
  expect((await h.kv.get('alert/error-spike'))?.value).toBe(1);
  expect(await h.drainNotifications()).toEqual([]);
});

test('a scheduled run analyses the previous hour; at or below the threshold nothing alerts', async () => {
  const result = await handler(scheduled('2025-11-15T14:05:00Z'), context);
  expect(result).toMatchObject({ hour: '2025-11-15-13', files: 1, errors: 1, alert: 'none' });
  expect(await errorsOf('2025-11-15-13')).toEqual([expect.objectContaining({ msg: 'previous hour', agent: 'agent-1' })]);
  expect(await handler({ hour: '2025-11-16-00' }, context)).toMatchObject({ files: 0, errors: 0 });
  expect(await errorsOf('2025-11-16-00')).toEqual([]);
  expect((await h.kv.get('alert/error-spike'))?.value).toBe(1);
  expect(await h.drainNotifications()).toEqual([]);
});

test('a malformed hour is refused with the expected format', async () => {
  await expect(handler({ hour: '2025-11-15T14' }, context)).rejects.toThrow('invalid hour "2025-11-15T14": use YYYY-MM-DD-HH in UTC');
});

test('the opt-in S3 Select engine feeds the same filter and gives the same report', async () => {
  process.env.LOG_ANALYSIS_ENGINE = 'select';
  try {
    const result = await handler({ hour: '2025-11-15-14', id: 'select-run' }, context);
    expect(result).toMatchObject({ engine: 'select', files: 3, lines: null, errors: 3 });
    expect((await errorsOf('2025-11-15-14')).map((e) => e.msg).sort()).toEqual(['db timeout', 'disk full', 'oom']);
  } finally {
    process.env.LOG_ANALYSIS_ENGINE = 'stream';
  }
});

test('an alert whose publish failed is published by the retry of the same run, once', async () => {
  const hour = '2025-11-15-15';
  await h.put(`logs/${hour}/agent-1.log`, [line('ERROR', 'a'), line('ERROR', 'b'), line('ERROR', 'c')].join('\n'));
  const topic = process.env.TOPIC_ARN ?? '';
  // A real failure from the emulator: the topic does not exist, so Publish throws after the claim.
  process.env.TOPIC_ARN = `${topic}-missing`;
  try {
    await expect(handler({ hour, id: 'run-1' }, context)).rejects.toThrow();
  } finally {
    process.env.TOPIC_ARN = topic;
  }
  expect((await h.kv.get(`alert/error-spike-${hour}`))?.value).toMatchObject({ notified: false, owner: 'run-1' });
  expect(await handler({ hour, id: 'run-2' }, context)).toMatchObject({ alert: 'claimed-by-other' });
  expect(await handler({ hour, id: 'run-1' }, context)).toMatchObject({ alert: 'published' });
  expect(await handler({ hour, id: 'run-1' }, context)).toMatchObject({ alert: 'already-notified' });
  expect((await h.drainNotifications()).map((n) => n.body.hour)).toEqual([hour]);
  expect((await h.kv.get('alert/error-spike'))?.value).toBe(2);
});

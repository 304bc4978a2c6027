import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { HandlerFixture, lambdaContext, keysUnder, objectCreated, resent, startHandlerFixture } from '../handlers/fixture';

let h: HandlerFixture;
const context = lambdaContext();
// Imported after the fixture sets the environment, as Lambda sets it before loading the module.
let handler: (typeof import('../../lambda/codegen-validate'))['handler'];
beforeAll(async () => {
  h = await startHandlerFixture();
  ({ handler } = await import('../../lambda/codegen-validate'));
});
afterAll(() => h?.moto.stop());

const API = 'from models import User\n\ndef get_user(uid: int) -> User:\n    return User(uid)\n';
const MODELS = 'class User:\n    def __init__(self, uid):\n        self.uid = uid\n';
const TESTS = 'from api import get_user\n\ndef test_get_user():\n    assert get_user(1).uid == 1\n';
const README = '# Generated service\n\nRun `pytest`.\n';

async function upload(session: string, file: string, body: string) {
  const put = await h.put(`codegen/session-${session}/${file}`, body, { agent: 'agent-x', component: file });
  return objectCreated(h.bucket, put);
}

async function text(key: string): Promise<string> {
  const res = await h.s3.send(new GetObjectCommand({ Bucket: h.bucket, Key: key }));
  return (await res.Body?.transformToString()) ?? '';
}

async function mergedKeys(session: string): Promise<string[]> {
  const res = await h.s3.send(new ListObjectsV2Command({ Bucket: h.bucket, Prefix: `codegen/session-${session}/merged/` }));
  return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
}

test('seed session: four components validated, merged once into merged/ with a report, one notification', async () => {
  const events = [await upload('s1', 'api.py', API), await upload('s1', 'models.py', MODELS), await upload('s1', 'tests.py', TESTS)];
  const results = [];
  for (const e of events) results.push(await handler(e, context));
  expect(results.map((r) => (r as { merge?: string }).merge)).toEqual(['waiting for models.py, tests.py, README.md', 'waiting for tests.py, README.md', 'waiting for README.md']);
  expect(await mergedKeys('s1')).toEqual([]);
  const last = await upload('s1', 'README.md', README);
  expect(await handler(last, context)).toMatchObject({ status: 'unchecked', merge: 'published' });

  const prefix = 'codegen/session-s1/merged/';
  expect(await mergedKeys('s1')).toEqual(['README.md', 'api.py', 'models.py', 'report.json', 'tests.py'].map((f) => prefix + f));
  expect(await text(`${prefix}api.py`)).toBe(API);
  const report = JSON.parse(await text(`${prefix}report.json`)) as { components: Array<{ file: string; status: string; parser: string }> };
  expect(report.components.map((c) => [c.file, c.status])).toEqual([
    ['api.py', 'valid'],
    ['models.py', 'valid'],
    ['tests.py', 'valid'],
    ['README.md', 'unchecked'],
  ]);
  expect(report.components[0]?.parser).toBe('@lezer/python');
  const sent = await h.drainNotifications();
  expect(sent).toHaveLength(1);
  expect(sent[0]?.body).toMatchObject({ scenario: 'codegen', session: 's1' });
  expect(await keysUnder(h.kv, 'codegen/session-s1/')).toEqual(
    ['README.md', 'api.py', 'merged', 'models.py', 'tests.py'].map((f) => `codegen/session-s1/${f}`),
  );

  // Duplicate deliveries (re-sent events) and a late re-upload change nothing: the merge happened once.
  for (const e of [...events, last]) await handler(resent(e), context);
  const again = await upload('s1', 'README.md', '# changed after merge\n');
  expect(await handler(again, context)).toMatchObject({ merge: 'already-notified' });
  expect(await text(`${prefix}README.md`)).toBe(README);
  expect(await h.drainNotifications()).toEqual([]);
});

test('an invalid component blocks the merge with its reason until a fixed version arrives', async () => {
  for (const [f, b] of [['api.py', API], ['models.py', MODELS], ['README.md', README]] as const) await handler(await upload('s2', f, b), context);
  const broken = await handler(await upload('s2', 'tests.py', 'def test_x(:\n    pass\n'), context);
  expect(broken).toMatchObject({ status: 'invalid', merge: 'invalid: tests.py; re-upload them' });
  const status = (await h.kv.get('codegen/session-s2/tests.py'))?.value as Record<string, unknown>;
  expect(status.reason).toMatch(/Python syntax error near line 1/);
  expect(await mergedKeys('s2')).toEqual([]);
  expect(await handler(await upload('s2', 'tests.py', TESTS), context)).toMatchObject({ status: 'valid', merge: 'published' });
  // The rejection was announced (not only logged), then the merge.
  const sent = await h.drainNotifications();
  expect(sent.map((n) => n.event).sort()).toEqual(['codegen.merged', 'codegen.rejected']);
  expect(sent.find((n) => n.event === 'codegen.rejected')?.body).toMatchObject({ objectKey: 'codegen/session-s2/tests.py', reason: /Python syntax error/ });
});

test('a manifest defines the expected set; the merge output itself is ignored', async () => {
  await handler(await upload('s3', 'manifest.json', JSON.stringify({ components: ['index.js', 'config.json'] })), context);
  expect(await handler(await upload('s3', 'index.js', 'export const answer = 42;\n'), context)).toMatchObject({ merge: 'waiting for config.json' });
  expect(await handler(await upload('s3', 'config.json', '{"port": 8080}'), context)).toMatchObject({ merge: 'published' });
  expect(await mergedKeys('s3')).toEqual(['config.json', 'index.js', 'report.json'].map((f) => `codegen/session-s3/merged/${f}`));
  const mergedEvent = objectCreated(h.bucket, await h.put('codegen/session-s3/merged/index.js', 'x'));
  expect(await handler(mergedEvent, context)).toEqual({ skipped: true });
  expect(await h.drainNotifications()).toHaveLength(1);
});

test('race: the last components processed concurrently still merge exactly once', async () => {
  const events = [await upload('s4', 'api.py', API), await upload('s4', 'models.py', MODELS), await upload('s4', 'tests.py', TESTS), await upload('s4', 'README.md', README)];
  const results = await Promise.all(events.map((e) => handler(e, context)));
  expect(results.filter((r) => (r as { merge?: string }).merge === 'published')).toHaveLength(1);
  expect(await h.drainNotifications()).toHaveLength(1);
  expect(await mergedKeys('s4')).toHaveLength(5);
});

test('a merge that failed midway (publish error) completes on the retry of the same event, once', async () => {
  for (const [f, b] of [['api.py', API], ['models.py', MODELS], ['tests.py', TESTS]] as const) await handler(await upload('s5', f, b), context);
  const last = await upload('s5', 'README.md', README);
  const topic = process.env.TOPIC_ARN ?? '';
  process.env.TOPIC_ARN = `${topic}-missing`;
  try {
    await expect(handler(last, context)).rejects.toThrow();
  } finally {
    process.env.TOPIC_ARN = topic;
  }
  expect(await h.drainNotifications()).toEqual([]);
  // The retry finds its status already recorded (not newer) and must still finish the merge.
  expect(await handler(resent(last), context)).toMatchObject({ stale: true, merge: 'published' });
  expect(await mergedKeys('s5')).toHaveLength(5);
  expect(await h.drainNotifications()).toHaveLength(1);
});

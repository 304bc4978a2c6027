import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { HandlerFixture, startHandlerFixture } from '../handlers/fixture';
import { CASES, CorpusCase, Expect } from './cases';
import { runCase } from './run-case';

/**
 * Every corpus case against the real handler modules over the wire to moto: the outcome the case
 * names (dead-letter with a one-line reason, or a recorded status, notifications and nothing else).
 */
let fx: HandlerFixture;
beforeAll(async () => {
  fx = await startHandlerFixture();
  // Scenario 2's alert threshold (the stack sets it per environment).
  process.env.ERROR_SPIKE_THRESHOLD = '5';
}, 120_000);
afterAll(() => fx?.stop());

/** Expected values are partial: RegExps match strings, objects match as subsets. */
function matcher(value: Expect): unknown {
  if (value instanceof RegExp) return expect.stringMatching(value);
  if (Array.isArray(value)) return value.map(matcher);
  if (value && typeof value === 'object') return expect.objectContaining(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, matcher(v)])));
  return value;
}

async function readJson(key: string): Promise<unknown> {
  const res = await fx.s3.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key }));
  return JSON.parse(await res.Body!.transformToString()) as unknown;
}

test('the corpus has at least 20 distinct cases', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(20);
  expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
});

async function check(c: CorpusCase): Promise<void> {
  await fx.drainNotifications();
  const observed = await runCase(fx, c);
  const expected = c.expected;
  // Nothing lost: every version the case uploaded is still there (a delete leaves a marker, never removes one).
  for (const v of observed.kept ?? []) {
    await expect(fx.s3.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: v.key, VersionId: v.versionId }))).resolves.toMatchObject({ VersionId: v.versionId });
  }
  if (expected.kind === 'dlq') {
    // Thrown, so Lambda retries and then dead-letters the event with this message.
    expect(observed.error).toEqual({ name: expected.error, message: expect.stringMatching(expected.message) });
    expect(observed.error?.message).not.toMatch(/\n/);
    expect(await fx.drainNotifications()).toEqual([]);
    return;
  }
  expect(observed.error).toBeUndefined();
  if (expected.result !== undefined) expect(observed.result).toEqual(matcher(expected.result));
  for (const [key, value] of Object.entries(expected.kv ?? {})) expect((await fx.kv.get(key))?.value).toEqual(matcher(value));
  for (const [prefix, value] of Object.entries(expected.kvListed ?? {})) {
    const listed: unknown[] = [];
    for await (const item of fx.kv.list(prefix)) listed.push(item.value);
    expect(listed).toEqual([matcher(value)]);
  }
  for (const key of expected.kvAbsent ?? []) expect(await fx.kv.get(key)).toBeUndefined();
  const head = (key: string) => fx.s3.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: key }));
  for (const key of expected.current ?? []) await expect(head(key)).resolves.toBeDefined();
  for (const key of expected.notCurrent ?? []) await expect(head(key)).rejects.toThrow();
  for (const [key, value] of Object.entries(expected.s3Json ?? {})) expect(await readJson(key)).toEqual(matcher(value));
  const notes = await fx.drainNotifications();
  expect(notes).toHaveLength(expected.notifications.length);
  for (const n of expected.notifications) {
    expect(notes).toContainEqual(
      expect.objectContaining({
        ...(n.event ? { event: n.event } : {}),
        ...(n.subject ? { subject: expect.stringMatching(n.subject) } : {}),
        ...(n.body ? { body: matcher(n.body) } : {}),
      }),
    );
  }
}

const cases = (bug: boolean) => CASES.filter((c) => Boolean(c.knownBug) === bug).map((c) => [c.id, c] as const);
test.each(cases(false))('%s', (_id, c) => check(c));
// Open handler bugs: these fail until fixed (see knownBug); a fix makes them pass, which fails here.
const knownBugs = cases(true);
if (knownBugs.length) test.failing.each(knownBugs)('known bug: %s', (_id, c) => check(c));

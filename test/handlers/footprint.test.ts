import { DESCRIPTORS, HOURLY_BATCH, RESOURCE_ENV, UPLOAD_PROCESSING, defineDescriptor } from '../../core/pipelines';
import { env, namespaced } from '../../lambda/shared/footprint';

/** Issue 13 item 2: a handler's keys and variables come from its descriptor, and nothing else does. */
describe('namespaced(descriptor)', () => {
  test('builds keys in the declared namespaces', () => {
    const keys = namespaced(UPLOAD_PROCESSING);
    expect(keys.key('analysis', 'uploads/a.csv')).toBe('analysis/uploads/a.csv');
    expect(keys.once('notified', 'analysis', 'b/k#v')).toBe('notified/analysis/b/k#v');
  });

  test('throws on a namespace the descriptor (hence the role) does not have', () => {
    const keys = namespaced(UPLOAD_PROCESSING) as ReturnType<typeof namespaced<string>>;
    expect(() => keys.key('deployment', 'x')).toThrow(/upload-processor may not use kvstore namespace deployment/);
    expect(() => (namespaced(HOURLY_BATCH) as ReturnType<typeof namespaced<string>>).once('analysis', 'x')).toThrow(/may not use/);
  });

  test('every descriptor namespace is a plain partition key (no slash)', () => {
    for (const d of DESCRIPTORS) for (const ns of d.kvstore?.namespaces ?? []) expect(ns).toMatch(/^[a-z][a-z-]*$/);
  });
});

describe('env(descriptor)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('reads declared variables and refuses undeclared ones', () => {
    process.env.BUCKET_NAME = 'data';
    process.env.TOPIC_ARN = 'arn:aws:sns:eu-central-1:111111111111:t';
    expect(env(HOURLY_BATCH).get(RESOURCE_ENV.bucket)).toBe('data');
    expect(() => (env(HOURLY_BATCH) as ReturnType<typeof env>).get(RESOURCE_ENV.topic)).toThrow(/hourly-batch reads TOPIC_ARN, which its descriptor does not declare/);
  });

  test('a declared but unset variable is a configuration error', () => {
    delete process.env.KVSTORE_TABLE;
    expect(() => env(HOURLY_BATCH).get(RESOURCE_ENV.kvstore)).toThrow(/missing environment variable KVSTORE_TABLE/);
  });
});

test('a schema that does not match the footprint is refused when declared', () => {
  const footprint = { handler: 'x', objects: { list: ['a/'] }, publishes: true } as const;
  expect(() => defineDescriptor({ ...footprint, env: [RESOURCE_ENV.bucket] })).toThrow(/missing TOPIC_ARN/);
  expect(() => defineDescriptor({ ...footprint, env: [RESOURCE_ENV.bucket, RESOURCE_ENV.topic, RESOURCE_ENV.kvstore] })).toThrow(/not granted KVSTORE_TABLE/);
});

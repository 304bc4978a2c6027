import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { loadEnvironmentConfig } from '../../lib/config';
import { DESCRIPTORS, PipelineDescriptor, RESOURCE_ENV, SETTING_ENV } from '../../core/pipelines';
import { AuthzRequest, PolicyEvaluator } from '../../local/iam/evaluate';
import { collectPolicies } from '../../local/iam/policies';
import { edgePrincipal } from '../../local/iam/service-edges';
import { buildTemplateModel, stacksFromSynth } from '../../local/iam/template-model';
import { CDK_CONTEXT } from '../stacks/app-fixture';

/**
 * Issue 13 item 2: every function's role allows exactly what its descriptor (core/pipelines)
 * declares — each declared prefix and namespace on a sample key, and nothing beside it: a prefix
 * or a kvstore namespace it does not declare is refused, as is an action of another class (a read
 * prefix is not writable). Decided by the same evaluator as the local copy, on the dev templates.
 */
const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
buildApp(app, loadEnvironmentConfig('dev'));
const model = buildTemplateModel(stacksFromSynth(app.synth().stacks));
const store = collectPolicies(model.accountId, model.resources);
const evaluator = new PolicyEvaluator(store);
const ALL_NAMESPACES = [...new Set(DESCRIPTORS.flatMap((d) => d.kvstore?.namespaces ?? []))];
const COMMON_ENV = new Set(['BLOB_ENV', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);

const functions = model.resources.filter((r) => r.type === 'AWS::Lambda::Function');
const varsOf = (fn: (typeof functions)[number]) => ((fn.props.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>;
const cases = DESCRIPTORS.flatMap((d) => functions.filter((fn) => varsOf(fn).POWERTOOLS_SERVICE_NAME === d.handler).map((fn) => ({ label: `${d.handler} (${fn.region})`, d, fn })));

/** The data bucket of a region: the one its S3 event rules name. */
function dataBucket(region: string): string {
  const names = new Set<string>();
  for (const r of model.resources.filter((x) => x.type === 'AWS::Events::Rule' && x.region === region)) {
    const pattern = r.props.EventPattern as { source?: string[]; detail?: { bucket?: { name?: string[] } } } | undefined;
    if (pattern?.source?.includes('aws.s3')) for (const n of pattern.detail?.bucket?.name ?? []) names.add(n);
  }
  if (names.size !== 1) throw new Error(`${region}: expected one data bucket in the S3 event rules, found ${[...names].join(', ') || 'none'}`);
  return [...names][0]!;
}

const sample = (prefix: string) => `${prefix.replace(/\*/g, 'x')}sample.bin`;

test('every descriptor has a function in the templates', () => {
  for (const d of DESCRIPTORS) expect(cases.some((c) => c.d === d)).toBe(true);
});

describe.each(cases.map((c) => [c.label, c] as const))('%s', (_label, { d, fn }) => {
  const principal = edgePrincipal(store, { kind: 'role', roleArn: String(fn.props.Role) });
  const allowed = async (r: AuthzRequest) => (await evaluator.evaluate(principal, r)).allowed;
  const vars = varsOf(fn);
  const bucket = dataBucket(fn.region);
  const object = (action: string, key: string): AuthzRequest => ({ action, resource: `arn:aws:s3:::${bucket}/${key}`, context: {} });
  const list = (prefix: string): AuthzRequest => ({ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': prefix } });
  const kvTable = `arn:aws:dynamodb:${fn.region}:${model.accountId}:table/${model.resources.find((r) => r.type === 'AWS::DynamoDB::Table' && r.region === fn.region && /kvstore/i.test(r.logicalId))?.ref}`;
  const kv = (action: string, ns: string): AuthzRequest => ({ action, resource: kvTable, context: { 'dynamodb:LeadingKeys': [ns] } });

  test('its environment is exactly its schema', () => {
    const names = Object.keys(vars).filter((k) => !COMMON_ENV.has(k));
    expect(names.sort()).toEqual([...d.env].sort());
  });

  test.each([
    ['read', 's3:GetObject'],
    ['write', 's3:PutObject'],
    ['delete', 's3:DeleteObject'],
  ] as const)('objects: %s exactly the declared prefixes', async (cls, action) => {
    const declared = d.objects[cls] ?? [];
    for (const p of declared) expect([p, await allowed(object(action, sample(p)))]).toEqual([p, true]);
    const others = [...new Set(DESCRIPTORS.flatMap((x: PipelineDescriptor) => Object.values(x.objects).flat()))]
      .filter((p) => !declared.some((q) => sample(p).startsWith(q.replace(/\*.*$/, ''))))
      .concat(['undeclared/']);
    for (const p of others) expect([p, await allowed(object(action, sample(p)))]).toEqual([p, false]);
  });

  test('objects: list exactly the declared prefixes', async () => {
    const declared = d.objects.list ?? [];
    for (const p of declared) expect([p, await allowed(list(p))]).toEqual([p, true]);
    expect(await allowed(list('undeclared/'))).toBe(false);
    if (!declared.length) expect(vars[RESOURCE_ENV.bucket]).toBeUndefined();
  });

  test('kvstore: the declared namespaces, and no other', async () => {
    const declared = d.kvstore?.namespaces ?? [];
    for (const ns of declared) {
      expect([ns, await allowed(kv('dynamodb:GetItem', ns))]).toEqual([ns, true]);
      expect([ns, await allowed(kv('dynamodb:PutItem', ns))]).toEqual([ns, d.kvstore?.access === 'readwrite']);
    }
    for (const ns of [...ALL_NAMESPACES.filter((n) => !(declared as readonly string[]).includes(n)), 'undeclared']) {
      expect([ns, await allowed(kv('dynamodb:GetItem', ns))]).toEqual([ns, false]);
      expect([ns, await allowed(kv('dynamodb:PutItem', ns))]).toEqual([ns, false]);
    }
  });

  test('publishes only if declared', async () => {
    const topic = functions.map((f) => varsOf(f)[RESOURCE_ENV.topic]).find(Boolean);
    expect(topic).toBeDefined();
    expect(await allowed({ action: 'sns:Publish', resource: vars[RESOURCE_ENV.topic] ?? topic!, context: {} })).toBe(d.publishes);
  });

  test('idempotency records under its own key prefix only', async () => {
    const table = vars[RESOURCE_ENV.idempotencyTable];
    expect(Boolean(table)).toBe(Boolean(d.idempotency));
    if (!d.idempotency || !table) return;
    expect(vars[RESOURCE_ENV.idempotencyKeyPrefix]).toBe(d.idempotency.keyPrefix);
    const put = (key: string): AuthzRequest => ({ action: 'dynamodb:PutItem', resource: `arn:aws:dynamodb:${fn.region}:${model.accountId}:table/${table}`, context: { 'dynamodb:LeadingKeys': [key] } });
    expect(await allowed(put(`${d.idempotency.keyPrefix}#0123abcd`))).toBe(true);
    expect(await allowed(put('someone-else#0123abcd'))).toBe(false);
  });

  test('settings it reads are set', () => {
    for (const s of d.env.filter((v) => (Object.values(SETTING_ENV) as string[]).includes(v))) expect(vars[s]).toBeDefined();
  });
});

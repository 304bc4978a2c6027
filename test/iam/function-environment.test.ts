import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { ENVIRONMENT_NAMES, EnvironmentName, loadEnvironmentConfig } from '../../lib/config';
import { AuthzRequest, ContextValue, PolicyEvaluator, denialMessage } from '../../local/iam/evaluate';
import { PolicyStatement, PolicyStore, ResolvedResource, collectPolicies } from '../../local/iam/policies';
import { edgePrincipal } from '../../local/iam/service-edges';
import { TemplateModel, buildTemplateModel, stacksFromSynth } from '../../local/iam/template-model';
import { CDK_CONTEXT } from '../stacks/app-fixture';

/**
 * Issue 12 §4, "a function given a resource in its environment that its role may not use": for
 * every function of dev, staging and prod, each environment variable that names a resource must be
 * usable by that function's own role for what the handler kit does with it first — evaluated with
 * the same iam-simulate evaluator as the local copy. A resource variable this test does not know
 * fails it, so a new one cannot slip past. Candidate kvstore namespaces and key prefixes are read
 * from the role's own conditions (inputs only; the decision is the evaluator's).
 */

interface Env {
  readonly env: EnvironmentName;
  readonly model: TemplateModel;
  readonly store: PolicyStore;
  readonly functions: ResolvedResource[];
}

function synth(env: EnvironmentName): Env {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  buildApp(app, loadEnvironmentConfig(env));
  const model = buildTemplateModel(stacksFromSynth(app.synth().stacks));
  const store = collectPolicies(model.accountId, model.resources);
  return { env, model, store, functions: model.resources.filter((r) => r.type === 'AWS::Lambda::Function') };
}

/** Variables that hold settings, not resources. */
const SETTINGS = new Set([
  'BLOB_ENV', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED',
  'IDEMPOTENCY_KEY_PREFIX', 'AUDIT_RETENTION_DAYS', 'ERROR_SPIKE_THRESHOLD', 'LOG_ANALYSIS_ENGINE', 'LOG_ANALYSIS_CONCURRENCY',
]);

function conditionValues(statements: PolicyStatement[], key: string): string[] {
  const out = new Set<string>();
  for (const s of statements) {
    for (const block of Object.values(s.Condition ?? {})) {
      const v = block[key];
      for (const x of [v].flat()) if (typeof x === 'string') out.add(x.replace(/\*$/, 'x'));
    }
  }
  return [...out];
}

async function firstAllowed(e: Env, roleArn: string, requests: AuthzRequest[]): Promise<string | undefined> {
  const evaluator = new PolicyEvaluator(e.store);
  const principal = edgePrincipal(e.store, { kind: 'role', roleArn });
  const denials: string[] = [];
  for (const r of requests) {
    const d = await evaluator.evaluate(principal, r);
    if (d.allowed) return undefined;
    denials.push(denialMessage(principal, r, d));
  }
  return denials[0] ?? 'no request to evaluate (the role grants no candidate namespace or prefix)';
}

const ENVS = ENVIRONMENT_NAMES.map(synth);

describe.each(ENVS)('$env: every resource a function is configured with is usable by its own role', (e) => {
  const cases = e.functions.flatMap((fn) => {
    const vars = ((fn.props.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>;
    return Object.entries(vars)
      .filter(([k]) => !SETTINGS.has(k))
      .map(([name, value]) => ({ label: `${e.model.label(fn)} ${name}`, fn, name, value, vars }));
  });

  test('every function with a resource variable is covered', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  test.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const roleArn = String(c.fn.props.Role);
    const role = e.store.roles.get(roleArn);
    if (!role) throw new Error(`${c.label}: role ${roleArn} is not in the templates`);
    const statements = role.policies.flatMap((p) => p.document.Statement);
    const region = c.fn.region;
    const acct = e.model.accountId;
    const table = (name: string) => `arn:aws:dynamodb:${region}:${acct}:table/${name}`;
    const resourceOf = (type: string, ref: string) => e.model.resources.find((r) => r.type === type && r.ref === ref && r.region === region);
    const tableKey = (name: string) => {
      const sse = resourceOf('AWS::DynamoDB::Table', name)?.props.SSESpecification as { KMSMasterKeyId?: string } | undefined;
      return sse?.KMSMasterKeyId ? e.model.keyArn(region, sse.KMSMasterKeyId) : undefined;
    };
    const via = (service: string, action: string, key: string | undefined): AuthzRequest[] =>
      key ? [{ action, resource: key, context: { 'kms:ViaService': `${service}.${region}.amazonaws.com`, 'kms:CallerAccount': acct } }] : [];
    const each = async (groups: AuthzRequest[][]) => {
      for (const g of groups) {
        const problem = await firstAllowed(e, roleArn, g);
        if (problem) throw new Error(`${c.label}=${c.value}: ${problem}`);
      }
    };
    const ddb = (action: string, name: string, keys?: string[]): AuthzRequest => ({
      action,
      resource: table(name),
      context: keys ? ({ 'dynamodb:LeadingKeys': keys } as Record<string, ContextValue>) : {},
    });

    switch (c.name) {
      case 'KVSTORE_TABLE': {
        const namespaces = conditionValues(statements, 'dynamodb:LeadingKeys');
        await each([namespaces.map((ns) => ddb('dynamodb:GetItem', c.value, [ns])), via('dynamodb', 'kms:Decrypt', tableKey(c.value))]);
        break;
      }
      case 'IDEMPOTENCY_TABLE': {
        const prefix = c.vars.IDEMPOTENCY_KEY_PREFIX;
        if (!prefix) throw new Error(`${c.label}: IDEMPOTENCY_TABLE without IDEMPOTENCY_KEY_PREFIX`);
        const own = [`${prefix}#0123abcd`];
        await each([
          [ddb('dynamodb:PutItem', c.value, own)],
          [ddb('dynamodb:GetItem', c.value, own)],
          [ddb('dynamodb:UpdateItem', c.value, own)],
          [ddb('dynamodb:DeleteItem', c.value, own)],
          via('dynamodb', 'kms:Decrypt', tableKey(c.value)),
        ]);
        // ...and only its own records: another function's prefix is refused.
        expect(await firstAllowed(e, roleArn, [ddb('dynamodb:PutItem', c.value, [`someone-else#0123abcd`])])).toMatch(/not authorized to perform: dynamodb:PutItem/);
        break;
      }
      case 'AUDIT_TABLE':
        await each([[ddb('dynamodb:PutItem', c.value)], via('dynamodb', 'kms:Decrypt', tableKey(c.value))]);
        break;
      case 'TOPIC_ARN': {
        const key = resourceOf('AWS::SNS::Topic', c.value)?.props.KmsMasterKeyId;
        const keyArn = typeof key === 'string' ? e.model.keyArn(region, key) : undefined;
        await each([[{ action: 'sns:Publish', resource: c.value, context: {} }], via('sns', 'kms:GenerateDataKey', keyArn), via('sns', 'kms:Decrypt', keyArn)]);
        break;
      }
      case 'BUCKET_NAME': {
        const prefixes = conditionValues(statements, 's3:prefix');
        await each([prefixes.map((p) => ({ action: 's3:ListBucket', resource: `arn:aws:s3:::${c.value}`, context: { 's3:prefix': p } }))]);
        break;
      }
      default:
        throw new Error(`${c.label}: unknown resource variable; add what the handler does with it to test/iam/function-environment.test.ts`);
    }
  });
});

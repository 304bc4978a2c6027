import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { Template } from 'aws-cdk-lib/assertions';
import { loadEnvironmentConfig, parseEnvironmentConfig, resourceNames } from '../../lib/config';
import { StorageStack } from '../../lib/stacks/storage-stack';
import { ADMIN_POLICY } from '../../local/iam/credentials';
import { AuthzRequest, ContextValue, PolicyEvaluator, Principal } from '../../local/iam/evaluate';
import { collectPolicies } from '../../local/iam/policies';
import { buildTemplateModel, stacksFromSynth } from '../../local/iam/template-model';
import { CDK_CONTEXT } from '../stacks/app-fixture';
import { AGENT_CASES, ALICE, AgentCase } from '../support/agent-cases';

/**
 * Issue 15 item 1: the agent role of the synthesized dev template, decided by the local copy's
 * evaluator (@cloud-copilot/iam-simulate). The case table is the one the e2e suite runs through the
 * CLIs (test/support/agent-cases.ts); here each row is the IAM requests S3 and DynamoDB make.
 */
const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
const config = loadEnvironmentConfig('dev');
buildApp(app, config);
const model = buildTemplateModel(stacksFromSynth(app.synth().stacks));
const store = collectPolicies(model.accountId, model.resources);
const evaluator = new PolicyEvaluator(store);
const names = resourceNames('dev');
const region = config.primaryRegion;

const roleArn = `arn:aws:iam::${model.accountId}:role/${names.prefix}-agent`;
const primary = (type: string, id: RegExp) => {
  const r = model.resources.find((x) => x.type === type && x.region === region && id.test(x.logicalId));
  if (!r) throw new Error(`no ${type} ${id} in ${region}`);
  return r;
};
const bucket = primary('AWS::S3::Bucket', /^StorageBucket/).ref;
const tableArn = `arn:aws:dynamodb:${region}:${model.accountId}:table/${primary('AWS::DynamoDB::Table', /^Kvstore/).ref}`;
const keyArn = model.keyArn(region, primary('AWS::KMS::Key', /^DataKey/).ref) as string;

function session(tags: Record<string, string>): Principal {
  const role = store.roles.get(roleArn);
  return { arn: `arn:aws:sts::${model.accountId}:assumed-role/${names.prefix}-agent/${tags.agent}`, kind: 'assumed-role', roleArn, identityPolicies: role?.policies ?? [], tags };
}
const alice = session({ ...ALICE });
const allowed = async (p: Principal, r: AuthzRequest) => (await evaluator.evaluate(p, r)).allowed;

/** What S3 and DynamoDB ask IAM for one row of the table (as local/iam/request-map does). */
function requests(c: AgentCase): AuthzRequest[] {
  const object = (action: string) => ({ action, resource: `arn:aws:s3:::${bucket}/${c.target}`, context: {} });
  const kv = (action: string) => ({ action, resource: tableArn, context: { 'dynamodb:LeadingKeys': [c.target.split('/')[0] as string] } });
  switch (c.op) {
    case 'get':
      return [object('s3:GetObject')];
    case 'put':
      return [object('s3:PutObject')];
    case 'delete':
      return [object('s3:DeleteObject')];
    case 'list':
      return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': c.target } }];
    case 'kv-get':
      return [kv('dynamodb:GetItem')];
    case 'kv-set':
      return [kv('dynamodb:PutItem'), kv('dynamodb:UpdateItem')];
  }
}

describe('the agent role on the dev template (issue 15 acceptance 1, simulated)', () => {
  test('the role exists with a trust policy and identity policies', () => {
    expect(store.roles.get(roleArn)?.policies.length).toBeGreaterThan(0);
  });

  test.each(AGENT_CASES.map((c) => [c.label, c] as const))('alice %s', async (_label, c) => {
    for (const r of requests(c)) expect([r.action, r.resource, await allowed(alice, r)]).toEqual([r.action, r.resource, c.allowed]);
  });

  test('bob gets his own workspace, not alice\'s: the same policy keyed on another tag', async () => {
    const bob = session({ agent: 'bob' });
    expect(await allowed(bob, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/agents/bob/notes.txt`, context: {} })).toBe(true);
    expect(await allowed(bob, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/agents/alice/notes.txt`, context: {} })).toBe(false);
  });

  test('without a session tag no session workspace is reachable (the policy variable does not resolve)', async () => {
    const solo = session({ agent: 'carol' });
    expect(await allowed(solo, { action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/codegen/session-/x`, context: {} })).toBe(false);
    expect(await allowed(solo, { action: 'dynamodb:PutItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': ['session-'] } })).toBe(false);
  });

  test('a kvstore request touching her namespace and bob\'s at once (BatchWriteItem) is refused', async () => {
    expect(await allowed(alice, { action: 'dynamodb:BatchWriteItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': ['agent-alice', 'agent-bob'] } })).toBe(false);
    expect(await allowed(alice, { action: 'dynamodb:BatchWriteItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': ['agent-alice', 'coordination'] } })).toBe(true);
  });

  test('no table-wide reads: Scan and DescribeTable are refused', async () => {
    expect(await allowed(alice, { action: 'dynamodb:Scan', resource: tableArn, context: {} })).toBe(false);
    expect(await allowed(alice, { action: 'dynamodb:DeleteTable', resource: tableArn, context: {} })).toBe(false);
  });

  test('the data key works only through S3 and DynamoDB in the primary region', async () => {
    const via = (action: string, service?: string): AuthzRequest => ({ action, resource: keyArn, context: service ? { 'kms:ViaService': `${service}.${region}.amazonaws.com` } : {} });
    expect(await allowed(alice, via('kms:Decrypt', 's3'))).toBe(true);
    expect(await allowed(alice, via('kms:GenerateDataKey', 'dynamodb'))).toBe(true);
    expect(await allowed(alice, via('kms:Decrypt'))).toBe(false);
    expect(await allowed(alice, via('kms:Decrypt', 'sns'))).toBe(false);
    expect(await allowed(alice, via('kms:ScheduleKeyDeletion', 's3'))).toBe(false);
  });

  test('no permanent version deletes, no bucket configuration, no other services', async () => {
    const obj = (action: string) => ({ action, resource: `arn:aws:s3:::${bucket}/agents/alice/x`, context: {} });
    expect(await allowed(alice, obj('s3:DeleteObjectVersion'))).toBe(false);
    expect(await allowed(alice, obj('s3:PutObjectAcl'))).toBe(false);
    expect(await allowed(alice, { action: 's3:PutBucketPolicy', resource: `arn:aws:s3:::${bucket}`, context: {} })).toBe(false);
    expect(await allowed(alice, { action: 'sns:Publish', resource: `arn:aws:sns:${region}:${model.accountId}:${names.notificationTopic}`, context: {} })).toBe(false);
    expect(await allowed(alice, { action: 'sts:AssumeRole', resource: roleArn, context: { 'aws:RequestTag/agent': 'bob' } })).toBe(false);
  });

  test('the environment parameters are readable (a sandbox with only the session resolves --env), not another environment\'s, nothing else in SSM', async () => {
    const param = (name: string): AuthzRequest => ({ action: 'ssm:GetParameters', resource: `arn:aws:ssm:${region}:${model.accountId}:parameter${name}`, context: {} });
    expect(await allowed(alice, param(names.parameters.bucketName))).toBe(true);
    expect(await allowed(alice, param(names.parameters.agentLayout))).toBe(true);
    expect(await allowed(alice, param(names.parameters.tableName))).toBe(true);
    expect(await allowed(alice, param('/blob/prod/bucket-name'))).toBe(false);
    expect(await allowed(alice, param('/other/secret'))).toBe(false);
  });
});

describe('who may assume the agent role (trust policy, default assumer: the deploying account)', () => {
  const admin: Principal = { arn: `arn:aws:iam::${model.accountId}:user/local-admin`, kind: 'user', identityPolicies: [ADMIN_POLICY] };
  const outsider: Principal = { arn: 'arn:aws:iam::210987654321:user/mallory', kind: 'user', identityPolicies: [ADMIN_POLICY] };
  /** Both checks STS makes for AssumeRole with tags (local/iam/sts.ts does the same). */
  async function mayAssume(p: Principal, tags: Record<string, string>): Promise<boolean> {
    const context: Record<string, ContextValue> = { ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])), 'aws:TagKeys': Object.keys(tags) };
    const checks: AuthzRequest[] = [{ action: 'sts:AssumeRole', resource: roleArn, context: Object.keys(tags).length ? context : {} }];
    if (Object.keys(tags).length) checks.push({ action: 'sts:TagSession', resource: roleArn, context });
    for (const c of checks) if (!(await allowed(p, c))) return false;
    return true;
  }

  test.each([
    ['agent and session tags', { agent: 'alice', session: 's1' }, true],
    ['an agent tag alone', { agent: 'alice' }, true],
    ['no tags at all', {}, false],
    ['a session tag without an agent', { session: 's1' }, false],
    ['an agent name with a slash (would land inside bob\'s workspace)', { agent: 'bob/x' }, false],
    ['a session id with a slash', { agent: 'alice', session: 's1/../s2' }, false],
    ['an extra tag key', { agent: 'alice', team: 'red' }, false],
  ] as const)('an account principal with %s: %s', async (_l, tags, expected) => {
    expect(await mayAssume(admin, tags)).toBe(expected);
  });

  test('a principal of another account may not assume it', async () => {
    expect(await mayAssume(outsider, { agent: 'alice' })).toBe(false);
  });
});

interface TrustStatement {
  readonly Principal: unknown;
  readonly Action: string | string[];
  readonly Condition: Record<string, Record<string, unknown>>;
}

describe('agentAccess configuration (lib/config.ts)', () => {
  const withAccess = (patch: Record<string, unknown>) => ({ ...config, agentAccess: { ...config.agentAccess, ...patch } });

  test.each([
    ['a workspace without {agent}', { workspaces: { ...config.agentAccess.workspaces, agent: ['agents/'] } }, 'agentAccess.workspaces.agent.0'],
    ['a wildcard shared prefix', { shared: { ...config.agentAccess.shared, read: ['*'] } }, 'agentAccess.shared.read.0'],
    ['a namespace with a slash', { shared: { ...config.agentAccess.shared, namespaces: ['a/b'] } }, 'agentAccess.shared.namespaces.0'],
    ['sessions longer than STS issues', { maxSessionHours: 13 }, 'agentAccess.maxSessionHours'],
    ['an OIDC assumer without subjects', { assumers: [{ kind: 'oidc', providerArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com', issuer: 'token.actions.githubusercontent.com', subjects: [] }] }, 'agentAccess.assumers.0.subjects'],
  ] as const)('refuses %s at synth, naming the field', (_l, patch, field) => {
    expect(() => parseEnvironmentConfig('dev', withAccess(patch))).toThrow(field);
  });

  test('a CI role and an OIDC workload as assumers: one trust statement each, both with the tag conditions', () => {
    const ci = 'arn:aws:iam::123456789012:role/ci-agents';
    const oidc = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const cfg = parseEnvironmentConfig(
      'dev',
      withAccess({
        assumers: [
          { kind: 'role', arn: ci },
          { kind: 'oidc', providerArn: oidc, issuer: 'token.actions.githubusercontent.com', subjects: ['repo:org/agents:ref:refs/heads/main'] },
        ],
      }),
    );
    const stack = new StorageStack(new App({ context: CDK_CONTEXT }), 'AgentTrust', { env: { region: cfg.primaryRegion }, config: cfg });
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role', { Properties: { RoleName: `${names.prefix}-agent` } });
    const trust = (Object.values(roles)[0] as { Properties: { AssumeRolePolicyDocument: { Statement: TrustStatement[] } } }).Properties.AssumeRolePolicyDocument.Statement;
    expect(trust.map((t) => [t.Principal, [t.Action].flat().sort()])).toEqual([
      [{ AWS: ci }, ['sts:AssumeRole', 'sts:TagSession']],
      [{ Federated: oidc }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']],
    ]);
    for (const t of trust) expect(t.Condition.StringNotLike).toEqual({ 'aws:RequestTag/agent': '*/*', 'aws:RequestTag/session': '*/*' });
    expect(trust[1]?.Condition.StringLike).toEqual({ 'aws:RequestTag/agent': '?*', 'token.actions.githubusercontent.com:sub': ['repo:org/agents:ref:refs/heads/main'] });
    expect(trust[1]?.Condition.StringEquals).toEqual({ 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' });
  });
});

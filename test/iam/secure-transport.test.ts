import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { ENVIRONMENT_NAMES, loadEnvironmentConfig } from '../../lib/config';
import { ADMIN_POLICY } from '../../local/iam/credentials';
import { PolicyEvaluator, Principal } from '../../local/iam/evaluate';
import { collectPolicies } from '../../local/iam/policies';
import { buildTemplateModel, stacksFromSynth } from '../../local/iam/template-model';
import { CDK_CONTEXT } from '../stacks/app-fixture';

/**
 * The local gateway declares its loopback listener a secure transport (README "Policies are
 * enforced"). That declaration is only honest if the buckets' TLS-only policies do refuse plain
 * HTTP: evaluated for every bucket of every environment, even the account administrator is
 * explicitly denied without TLS (or below TLS 1.2) and allowed with it.
 */
describe.each(ENVIRONMENT_NAMES)('%s: buckets refuse requests without TLS', (env) => {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  buildApp(app, loadEnvironmentConfig(env));
  const model = buildTemplateModel(stacksFromSynth(app.synth().stacks));
  const evaluator = new PolicyEvaluator(collectPolicies(model.accountId, model.resources));
  const admin: Principal = { arn: `arn:aws:iam::${model.accountId}:user/local-admin`, kind: 'user', identityPolicies: [ADMIN_POLICY] };
  const buckets = model.resources.filter((r) => r.type === 'AWS::S3::Bucket').map((r) => r.ref);

  test('there are buckets to check', () => expect(buckets.length).toBeGreaterThanOrEqual(3));

  test.each(buckets)('%s', async (bucket) => {
    const get = (context: Record<string, string>) => evaluator.evaluate(admin, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/k`, context });
    expect((await get({ 'aws:SecureTransport': 'false' })).result).toBe('ExplicitlyDenied');
    expect((await get({ 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.1' })).result).toBe('ExplicitlyDenied');
    expect((await get({ 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' })).result).toBe('Allowed');
  });
});

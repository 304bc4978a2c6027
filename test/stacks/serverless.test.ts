import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { ENVIRONMENT_NAMES, environmentConfigSchema, loadEnvironmentConfig } from '../../lib/config';
import { CDK_CONTEXT, buildEnv } from './app-fixture';

/** cdk-nag Serverless pack decisions (issue 12 §4.5), asserted on the templates. */

type Json = Record<string, unknown>;
const functionsOf = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function')).map((r) => r as { Properties: Json; Metadata?: Json });
const pipelineTemplates = (app: ReturnType<typeof buildEnv>) => [Template.fromStack(app.stacks.pipelines), Template.fromStack(app.stacks.replicaPipelines)];
const built = Object.fromEntries(ENVIRONMENT_NAMES.map((e) => [e, buildEnv(e, { bundle: false })]));

describe.each([...ENVIRONMENT_NAMES])('tracing is on for every function (%s)', (env) => {
  const templates = pipelineTemplates(built[env] as ReturnType<typeof buildEnv>);

  test('every pipeline function has X-Ray active tracing', () => {
    const fns = templates.flatMap(functionsOf);
    expect(fns.length).toBeGreaterThan(1);
    for (const f of fns) expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });

  test('the only statements on Resource * are the two X-Ray write actions (X-Ray has no resource-level permissions)', () => {
    for (const t of templates) {
      for (const p of Object.values(t.findResources('AWS::IAM::Policy'))) {
        const statements = ((p.Properties as Json).PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement;
        for (const s of statements.filter((x) => x.Resource === '*')) expect([s.Action].flat().sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });
});

describe('per-environment reserved concurrency', () => {
  const skipsOf = (f: { Metadata?: Json }) => ((f.Metadata?.checkov as { skip?: Array<{ id: string; comment: string }> } | undefined)?.skip ?? []);

  test.each([...ENVIRONMENT_NAMES])('%s reserves none by default, and each function says why in its CKV_AWS_115 skip', (env) => {
    expect(loadEnvironmentConfig(env).reservedConcurrency).toBeUndefined();
    for (const f of pipelineTemplates(built[env] as ReturnType<typeof buildEnv>).flatMap(functionsOf)) {
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
      expect(skipsOf(f).find((s) => s.id === 'CKV_AWS_115')?.comment).toContain('lib/config.ts reservedConcurrency');
    }
  });

  test('when an environment sets reservedConcurrency, every function of both regions reserves it and carries no CKV_AWS_115 skip', () => {
    const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stacks = buildApp(app, environmentConfigSchema.parse({ ...loadEnvironmentConfig('staging'), reservedConcurrency: 5 }));
    const fns = [Template.fromStack(stacks.pipelines), Template.fromStack(stacks.replicaPipelines)].flatMap(functionsOf);
    expect(fns.length).toBeGreaterThan(1);
    for (const f of fns) {
      expect(f.Properties.ReservedConcurrentExecutions).toBe(5);
      expect(skipsOf(f).map((s) => s.id)).not.toContain('CKV_AWS_115');
    }
  });

  test.each([0, -1, 2.5])('reservedConcurrency %s is refused at synth', (n) => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('prod'), reservedConcurrency: n });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['reservedConcurrency']);
  });
});

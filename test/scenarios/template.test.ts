import { Template } from 'aws-cdk-lib/assertions';
import { buildEnv } from '../stacks/app-fixture';

/**
 * The scenario modules as synthesized into dev's pipelines stack: the rules route only their
 * prefixes, the log job runs hourly with the configured threshold and the streaming engine, and
 * each function's kvstore access is limited to its own namespaces.
 */
type Json = Record<string, unknown>;
const { stacks } = buildEnv('dev', { bundle: false });
const template = Template.fromStack(stacks.pipelines).toJSON() as { Resources: Record<string, { Type: string; Properties: Json }> };
const resources = Object.entries(template.Resources);

function byPrefix(type: string, logicalPrefix: string): Json {
  const found = resources.filter(([id, r]) => r.Type === type && id.startsWith(logicalPrefix));
  if (found.length !== 1) throw new Error(`expected one ${type} under ${logicalPrefix}, found ${found.length}`);
  return (found[0] as [string, { Properties: Json }])[1].Properties;
}

test('object rules route only each scenario’s prefix', () => {
  const keyOf = (fn: string) => ((byPrefix('AWS::Events::Rule', `${fn}Rule`).EventPattern as Json).detail as { object: { key: unknown } }).object.key;
  expect(keyOf('CodegenValidate')).toEqual([{ prefix: 'codegen/session-' }]);
  expect(keyOf('ArtifactsDeploy')).toEqual([{ prefix: 'artifacts/' }]);
  expect(keyOf('DatasetsVerify')).toEqual([{ prefix: 'datasets/' }]);
  expect(keyOf('ModelsLineage')).toEqual([{ prefix: 'models/' }]);
});

test('the log job runs at five past every hour with the configured threshold, streaming by default', () => {
  expect(byPrefix('AWS::Events::Rule', 'LogAnalysisRule').ScheduleExpression).toBe('cron(5 * * * ? *)');
  const fn = byPrefix('AWS::Lambda::Function', 'LogAnalysisFunction');
  expect((fn.Environment as { Variables: Json }).Variables).toMatchObject({ ERROR_SPIKE_THRESHOLD: '100', LOG_ANALYSIS_ENGINE: 'stream' });
  expect(fn).toMatchObject({ Timeout: 900, MemorySize: 512, Architectures: ['arm64'] });
});

test('kvstore access is scoped to each function’s namespaces', () => {
  const namespaces = (fn: string): unknown[] => {
    const policies = resources.filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(fn));
    const statements = policies.flatMap(([, r]) => ((r.Properties.PolicyDocument as { Statement: Array<{ Condition?: Json }> }).Statement));
    return statements.flatMap((s) => {
      const c = s.Condition?.['ForAllValues:StringEquals'] as Json | undefined;
      return c ? [c['dynamodb:LeadingKeys']] : [];
    });
  };
  expect(namespaces('CodegenValidate')).toEqual([['codegen']]);
  expect(namespaces('LogAnalysis')).toEqual([['alert']]);
  expect(namespaces('ArtifactsDeploy')).toEqual([['deployment']]);
  expect(namespaces('DatasetsVerify')).toEqual([['dataset', 'alert']]);
  expect(namespaces('ModelsLineage')).toEqual([['lineage']]);
});

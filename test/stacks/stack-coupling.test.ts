import { Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../lib/config';
import { BuiltEnv, buildEnv } from './app-fixture';

/**
 * Stateless stacks must never pin the stateful ones: a strong reference (Export + Fn::ImportValue)
 * makes CloudFormation refuse any update that replaces or renames an exported bucket, key, table or
 * topic while a pipelines stack imports it. The pipelines refer to storage by deterministic name and
 * read the one non-deterministic value (the key ARN) from an SSM parameter the storage stack publishes.
 */

type Json = Record<string, unknown>;
const envs = Object.fromEntries(ENVIRONMENT_NAMES.map((e) => [e, buildEnv(e, { bundle: false })])) as Record<EnvironmentName, BuiltEnv>;
const json = (t: Template) => t.toJSON() as { Parameters?: Record<string, Json>; Outputs?: Record<string, Json>; Resources: Record<string, Json> };

describe.each([...ENVIRONMENT_NAMES])('no strong Fn::ImportValue from the pipelines stacks into the storage stacks (%s)', (env) => {
  const { stacks, app } = envs[env];
  const pipelines = { primary: Template.fromStack(stacks.pipelines), replica: Template.fromStack(stacks.replicaPipelines) };

  test.each(['primary', 'replica'] as const)('the %s pipelines template contains no Fn::ImportValue', (which) => {
    expect(JSON.stringify(pipelines[which].toJSON())).not.toContain('Fn::ImportValue');
  });

  test('no storage template exports anything another stack could import', () => {
    for (const t of [Template.fromStack(stacks.storage), Template.fromStack(stacks.replicaStorage)]) {
      const exported = Object.entries(json(t).Outputs ?? {}).filter(([, o]) => o.Export !== undefined);
      expect(exported.map(([k]) => k)).toEqual([]);
    }
  });

  test('each pipelines stack still deploys after its storage stack (explicit dependency, same region)', () => {
    const assembly = app.synth();
    const deps = (name: string) => assembly.getStackByName(name).dependencies.map((d) => d.id);
    expect(deps(`Blob-${env}-Pipelines`)).toContain(`Blob-${env}-Storage`);
    expect(deps(`Blob-${env}-ReplicaPipelines`)).toContain(`Blob-${env}-ReplicaStorage`);
    expect(assembly.getStackByName(`Blob-${env}-ReplicaPipelines`).environment.region).toBe('us-west-2');
  });

  test.each([
    ['primary', 'storage', 'data-key-arn'],
    ['replica', 'replicaStorage', 'replica-key-arn'],
  ] as const)('the %s pipelines read the KMS key ARN from the SSM parameter their storage stack publishes', (which, storageStack, param) => {
    const name = `/blob/${env}/${param}`;
    const ssmParams = Object.values(json(pipelines[which]).Parameters ?? {}).filter((p) => p.Type === 'AWS::SSM::Parameter::Value<String>');
    expect(ssmParams.map((p) => p.Default)).toContain(name);
    Template.fromStack(stacks[storageStack]).hasResourceProperties('AWS::SSM::Parameter', { Name: name, Type: 'String' });
  });

  test('the replica pipelines work on the replica bucket, the primary pipelines on the storage bucket', () => {
    // Every S3 ARN in the function policies, resolved as the template writes it (Fn::Join flattened).
    const s3Arns = (t: Template) =>
      Object.values(t.findResources('AWS::IAM::Policy'))
        .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Array<{ Resource: unknown }> }).Statement)
        .flatMap((st) => [st.Resource].flat())
        .map((r) => JSON.stringify(r).replace(/"\s*,\s*\{"Ref":"AWS::AccountId"\}\s*,\s*"/g, '<account>'))
        .filter((r) => r.includes('arn:aws:s3:::'));
    expect(s3Arns(pipelines.primary).length).toBeGreaterThan(0);
    expect(s3Arns(pipelines.replica).length).toBeGreaterThan(0);
    for (const r of s3Arns(pipelines.primary)) expect(r).toContain(`arn:aws:s3:::blob-${env}-storage-<account>-eu-central-1`);
    for (const r of s3Arns(pipelines.replica)) expect(r).toContain(`arn:aws:s3:::blob-${env}-replica-<account>-us-west-2`);
  });
});

import type { Template } from '../../local/provision/assembly';
import { LOCAL_ACCOUNT_ID } from '../../local/emulator/clients';
import { PolicyEvaluator } from '../../local/iam/evaluate';
import { collectPolicies } from '../../local/iam/policies';
import { buildTemplateModel } from '../../local/iam/template-model';
import { generatedName } from '../../local/provision/naming';

/**
 * The static model resolves templates the way CloudFormation would at deploy, without an emulator:
 * exports through the exporting stack's Outputs, SSM-typed parameters through the stack that
 * writes the parameter, generated names as the local provisioner makes them, key aliases to keys.
 */

const storage: Template = {
  Resources: {
    Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [] } } },
    KeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/data', TargetKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    Queue: { Type: 'AWS::SQS::Queue' },
    KeyArnParam: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/key-arn', Type: 'String', Value: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
  },
  Outputs: { QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] }, Export: { Name: 'Storage:QueueArn' } } },
};

const pipelines: Template = {
  Parameters: { KeyArn: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/app/key-arn' } },
  Resources: {
    Policy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'p',
        Roles: [],
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { Ref: 'KeyArn' } }, { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::ImportValue': 'Storage:QueueArn' } }] },
      },
    },
  },
};

// Listed importer first: resolution is lazy, so stack order does not matter.
const model = buildTemplateModel([
  { name: 'Pipelines', region: 'eu-central-1', template: pipelines },
  { name: 'Storage', region: 'eu-central-1', template: storage },
]);
const find = (id: string) => model.resources.find((r) => r.logicalId === id);

test('an SSM-typed template parameter resolves to the value the owning stack writes, an import to the export', () => {
  const key = find('Key');
  expect(key?.arn).toMatch(new RegExp(`^arn:aws:kms:eu-central-1:${LOCAL_ACCOUNT_ID}:key/[0-9a-f-]{36}$`));
  const queueName = generatedName('Storage', 'Queue', 80);
  expect(find('Queue')).toMatchObject({ ref: `https://sqs.eu-central-1.amazonaws.com/${LOCAL_ACCOUNT_ID}/${queueName}`, arn: `arn:aws:sqs:eu-central-1:${LOCAL_ACCOUNT_ID}:${queueName}` });
  expect(find('Policy')?.props.PolicyDocument).toEqual({
    Statement: [
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key?.arn },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: find('Queue')?.arn },
    ],
  });
});

test('a key alias (name or ARN) resolves to its key, in its region only', () => {
  const arn = find('Key')?.arn;
  expect(model.keyArn('eu-central-1', 'alias/data')).toBe(arn);
  expect(model.keyArn('us-west-2', `arn:aws:kms:eu-central-1:${LOCAL_ACCOUNT_ID}:alias/data`)).toBe(arn);
  expect(model.keyArn('us-west-2', 'alias/data')).toBeUndefined();
});

test('a parameter no stack writes is an error naming it', () => {
  const orphan = buildTemplateModel.bind(undefined, [{ name: 'P', region: 'eu-central-1', template: pipelines }]);
  expect(orphan).toThrow(/KeyArn reads SSM parameter \/app\/key-arn, which no stack of this app creates/);
});

test('kms:EncryptionContext:* conditions are evaluated (iam-simulate drops colon-variable keys unless aliased)', async () => {
  const keyArn = find('Key')?.arn as string;
  const roleArn = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/r`;
  const store = collectPolicies(LOCAL_ACCOUNT_ID, [
    {
      stackName: 'S',
      region: 'eu-central-1',
      logicalId: 'Role',
      type: 'AWS::IAM::Role',
      ref: 'r',
      arn: roleArn,
      props: {
        AssumeRolePolicyDocument: { Statement: [] },
        Policies: [
          {
            PolicyName: 'p',
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/critical/*' } } }],
            },
          },
        ],
      },
    },
    { stackName: 'S', region: 'eu-central-1', logicalId: 'Key', type: 'AWS::KMS::Key', ref: 'k', arn: keyArn, props: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root` }, Action: 'kms:*', Resource: '*' }] } } },
  ]);
  const ev = new PolicyEvaluator(store);
  const principal = { arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/r/s`, kind: 'assumed-role' as const, roleArn, identityPolicies: store.roles.get(roleArn)?.policies ?? [] };
  const decrypt = (context: Record<string, string>) => ev.evaluate(principal, { action: 'kms:Decrypt', resource: keyArn, context });
  expect((await decrypt({ 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/critical/x' })).allowed).toBe(true);
  expect((await decrypt({ 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/other/x' })).allowed).toBe(false);
  expect((await decrypt({})).allowed).toBe(false);
});

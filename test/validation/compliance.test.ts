import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acknowledgePrefixScopedWildcards, isPrefixScopedObjectResource } from '../../lib/constructs/compliance';

/** The generic IAM5 acknowledgement accepts prefix-scoped grants and nothing broader. */

describe('prefix-scoped object resources', () => {
  const buckets = new Set(['StorageBucket5CB7C8EA']);
  test.each([
    'Resource::<StorageBucket5CB7C8EA.Arn>/uploads/*',
    'Resource::arn:aws:s3:::blob-dev-storage-<AWS::AccountId>-eu-central-1/codegen/session-*/merged/*',
    'Resource::arn:aws:s3:::blob-dev-storage-<AWS::AccountId>-eu-central-1/critical/*',
    'Resource::arn:<AWS::Partition>:s3:::blob-dev-replica-<AWS::AccountId>-us-west-2/critical/*',
  ])('accepted: %s', (finding) => expect(isPrefixScopedObjectResource(finding, buckets)).toBe(true));

  test.each([
    'Resource::*',
    'Resource::<StorageBucket5CB7C8EA.Arn>/*',
    'Resource::arn:aws:s3:::b/*',
    'Resource::<StorageBucket5CB7C8EA.Arn>/uploads*',
    'Resource::arn:aws:s3:::*/uploads/*',
    'Resource::arn:aws:s3:::b/<SsmParameterValueprefix.Parameter>/*',
    'Action::s3:*',
    // Same shape as a prefix-scoped object, but not S3 objects:
    'Resource::<KvstoreTable1234ABCD.Arn>/index/*',
    'Resource::arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/x:*',
    'Resource::arn:aws:ssm:eu-central-1:123456789012:parameter/blob/dev/*',
    'Resource::arn:aws:iam::123456789012:role/service-role/*',
    'Resource::arn:aws:dynamodb:eu-central-1:<AWS::AccountId>:table/blob-dev-kvstore/index/*',
    // An export of unknown type (a pipelines stack never imports from storage any more):
    'Resource::Blob-dev-Storage:ExportsOutputFnGetAttStorageBucket5CB7C8EAArnB295C186/uploads/*',
  ])('refused: %s', (finding) => expect(isPrefixScopedObjectResource(finding, buckets)).toBe(false));
});

/** Synthesizes one stack with cdk-nag and returns the unacknowledged AwsSolutions-IAM5 findings. */
function iam5Findings(build: (stack: Stack, role: iam.Role) => void): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'blob-compliance-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Probe', { env: { region: 'eu-central-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    build(stack, role);
    acknowledgePrefixScopedWildcards(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch {
      // validation failures are read from the report below
    }
    const file = join(outdir, 'validation-report.json');
    if (!existsSync(file)) return [];
    const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }> };
    return report.pluginReports
      .filter((p) => p.pluginName === 'AwsSolutions')
      .flatMap((p) => p.violations.map((v) => v.ruleName))
      .filter((r) => r.startsWith('AwsSolutions-IAM5'));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('AwsSolutions-IAM5 acknowledgement', () => {
  test('prefix-scoped object grants and CDK KMS action families on one key are acknowledged', () => {
    expect(
      iam5Findings((stack, role) => {
        const bucket = new s3.Bucket(stack, 'B');
        const key = new kms.Key(stack, 'K');
        role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('uploads/*')] }));
        key.grantEncryptDecrypt(role);
      }),
    ).toEqual([]);
  });

  test('bucket-wide object access, * resources and KMS wildcards on * remain findings', () => {
    expect(
      iam5Findings((stack, role) => {
        const bucket = new s3.Bucket(stack, 'B');
        role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
        role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*'], resources: ['*'] }));
        role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: [bucket.bucketArn] }));
      }).sort(),
    ).toEqual(['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-IAM5[Resource::<B08E7C7AF.Arn>/*]']);
  });

  test('X-Ray tracing grants on * are acknowledged only while every * statement allows nothing but the two X-Ray write actions', () => {
    const xray = new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
    expect(iam5Findings((_stack, role) => void role.addToPolicy(xray))).toEqual([]);
    expect(
      iam5Findings((_stack, role) => {
        role.addToPolicy(xray);
        role.addToPolicy(new iam.PolicyStatement({ actions: ['xray:GetTraceSummaries'], resources: ['*'] }));
      }),
    ).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });

  test('the IAM5 acknowledgement helper only acknowledges S3 objects under a literal prefix: log group, index, parameter path, role, bucket-wide and * stay findings', () => {
    const findings = iam5Findings((stack, role) => {
      const bucket = new s3.Bucket(stack, 'B');
      const table = new dynamodb.Table(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      const allow = (resources: string[]) => role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources }));
      // the one member that is acknowledged, in both forms cdk-nag reports
      allow([bucket.arnForObjects('uploads/*'), `arn:${stack.partition}:s3:::blob-probe-${stack.account}/critical/*`]);
      allow([`arn:aws:logs:eu-central-1:${stack.account}:log-group:/aws/lambda/probe:*`]);
      allow([`${table.tableArn}/index/*`]);
      allow([`arn:aws:ssm:eu-central-1:${stack.account}:parameter/blob/dev/*`]);
      allow([`arn:aws:iam::${stack.account}:role/service-role/*`]);
      allow([bucket.arnForObjects('*'), '*']);
    });
    expect(findings.sort()).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<B08E7C7AF.Arn>/*]',
        'AwsSolutions-IAM5[Resource::<TD925BC7E.Arn>/index/*]',
        'AwsSolutions-IAM5[Resource::arn:aws:iam::<AWS::AccountId>:role/service-role/*]',
        'AwsSolutions-IAM5[Resource::arn:aws:logs:eu-central-1:<AWS::AccountId>:log-group:/aws/lambda/probe:*]',
        'AwsSolutions-IAM5[Resource::arn:aws:ssm:eu-central-1:<AWS::AccountId>:parameter/blob/dev/*]',
      ].sort(),
    );
  });
});

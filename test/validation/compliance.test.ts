import { App, Stack, Validations } from 'aws-cdk-lib';
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
  test.each([
    'Resource::<StorageBucket5CB7C8EA.Arn>/uploads/*',
    'Resource::Blob-dev-Storage:ExportsOutputFnGetAttStorageBucket5CB7C8EAArnB295C186/codegen/session-*/merged/*',
    'Resource::arn:aws:s3:::blob-dev-storage-<AWS::AccountId>-eu-central-1/critical/*',
  ])('accepted: %s', (finding) => expect(isPrefixScopedObjectResource(finding)).toBe(true));

  test.each(['Resource::*', 'Resource::<StorageBucket5CB7C8EA.Arn>/*', 'Resource::arn:aws:s3:::b/*', 'Resource::<B.Arn>/uploads*', 'Resource::arn:aws:s3:::*/uploads/*', 'Action::s3:*'])(
    'refused: %s',
    (finding) => expect(isPrefixScopedObjectResource(finding)).toBe(false),
  );
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
});

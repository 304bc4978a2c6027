import { LOCAL_ACCOUNT_ID } from '../../emulator/clients';
import { generatedName } from '../naming';
import { str } from '../props';
import type { ResourceProvisioner } from '../registry';

/** Resource types the local copy deliberately does not create (AWS enforces or observes them). */
const NOT_EMULATED: Array<[RegExp, string]> = [
  [/^AWS::IAM::/, 'evaluated by the local gateway, not created in the emulator'],
  [/^AWS::Logs::/, 'function logs go to the local console'],
  [/^AWS::CloudWatch::/, 'no metrics or alarms locally'],
  [/^AWS::(S3::BucketPolicy|SNS::TopicPolicy|SQS::QueuePolicy)$/, 'evaluated by the local gateway, not stored in the emulator'],
  [/^AWS::Lambda::Permission$/, 'checked by the service-edge test (test/iam); the runtime invokes functions itself'],
  [/^AWS::CDK::Metadata$/, 'CDK metadata'],
  [/^AWS::Backup::/, 'moto has no AWS Backup: the plan runs only on AWS (prod); its role and keys are checked by the service-edge test (test/iam)'],
  // dev/staging buckets' Custom::S3AutoDeleteObjects empties a bucket when its stack is deleted.
  [/^Custom::/, 'custom resources act when a stack is deleted or updated; the local copy only creates (a restart starts empty)'],
];

/**
 * Every type without a module: recorded in notEmulated with the reason, and given a name and ARN
 * so that the policies and outputs referring to it still resolve.
 */
export const notEmulated: ResourceProvisioner = async ({ stack, logicalId, resource, props, where, result, arn }) => {
  const skip = NOT_EMULATED.find(([re]) => re.test(resource.Type));
  result.notEmulated.push(`${where} (${resource.Type}): ${skip ? skip[1] : 'resource type not emulated by the local copy'}`);
  const name = str(props.RoleName) ?? str(props.Name) ?? generatedName(stack.name, logicalId, 64);
  const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
  const resourceArn = resource.Type === 'AWS::IAM::Role' ? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}` : arn(service, name);
  // A backup plan names its vault by BackupVaultName, a selection its plan by BackupPlanId, a role policy the vault by BackupVaultArn.
  const backupAttrs: Record<string, string> =
    resource.Type === 'AWS::Backup::BackupVault' ? { BackupVaultName: name, BackupVaultArn: resourceArn } : resource.Type === 'AWS::Backup::BackupPlan' ? { BackupPlanId: name } : {};
  return { type: resource.Type, ref: name, attrs: { Arn: resourceArn, ...backupAttrs } };
};

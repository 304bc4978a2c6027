import type { ResolvedResource } from '../policies';
import { SERVICE } from './edge-set';
import type { EdgeSet } from './edge-set';
import { get, list, str } from './json';

export function backupEdges(e: EdgeSet): void {
  const { model, of, byArn, label, tls, policy, config, service, role } = e;
  // AWS Backup: assumes each selection's role, which has DynamoDB read the selected tables (their
  // key) and write the recovery point into the plan's vault (the vault key), KMS through DynamoDB.
  const tables = byArn('AWS::DynamoDB::Table');
  const plans = new Map(of('AWS::Backup::BackupPlan').map((r) => [r.ref, r]));
  // Vault names are regional: prod has one of the same name in each region.
  const vaults = new Map(of('AWS::Backup::BackupVault').map((r) => [`${r.region}|${r.ref}`, r]));
  for (const selection of of('AWS::Backup::BackupSelection')) {
    const from = `backup selection ${label(selection)}`;
    const roleArn = String(get(selection.props.BackupSelection, 'IamRoleArn'));
    const backupRole = role(roleArn);
    const viaDynamoDb = { 'kms:ViaService': `dynamodb.${selection.region}.amazonaws.com` };
    policy(`backup → role of ${from} (sts:AssumeRole)`, service(SERVICE.backup), 'sts:AssumeRole', roleArn, {});
    const useKey = (whose: string, keyRef: string | undefined, actions: readonly string[]) => {
      const keyArn = keyRef ? model.keyArn(selection.region, keyRef) : undefined;
      if (!keyArn) return config(`${from}: role → key of ${whose}`, 'DynamoDB uses the key on the role’s behalf', `key ${keyRef ?? '(none)'} is not a customer-managed key of this app`);
      const keyLabel = label(model.resources.find((r) => r.arn === keyArn) as ResolvedResource);
      for (const action of actions) {
        // AWS Backup and DynamoDB hold grants for the job's duration; a grant for an AWS service only.
        const context = action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : viaDynamoDb;
        policy(`${from}: role → key ${keyLabel} of ${whose} (${action})`, backupRole, action, keyArn, context);
      }
    };
    for (const tableArn of list(get(selection.props.BackupSelection, 'Resources')).map(String)) {
      const table = tables.get(tableArn);
      if (!table) {
        config(`${from} → ${tableArn}`, 'a selected resource', `no AWS::DynamoDB::Table of this app has ARN ${tableArn}`);
        continue;
      }
      for (const action of ['dynamodb:DescribeTable', 'dynamodb:StartAwsBackupJob']) policy(`${from}: role → table ${table.ref} (${action})`, backupRole, action, tableArn, tls);
      useKey(`table ${table.ref}`, str(get(table.props.SSESpecification, 'KMSMasterKeyId')), ['kms:Decrypt']);
    }
    const plan = plans.get(String(selection.props.BackupPlanId));
    for (const rule of list(get(plan?.props.BackupPlan, 'BackupPlanRule'))) {
      const vault = vaults.get(`${selection.region}|${String(get(rule, 'TargetBackupVault'))}`);
      if (!vault) {
        config(`${from} → vault ${String(get(rule, 'TargetBackupVault'))}`, 'the plan rule’s target vault', 'no AWS::Backup::BackupVault of this app has that name');
        continue;
      }
      useKey(`vault ${vault.ref}`, str(vault.props.EncryptionKeyArn), ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:CreateGrant']);
    }
  }
}

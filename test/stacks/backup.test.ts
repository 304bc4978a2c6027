import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { EnvironmentConfig, environmentConfigSchema, loadEnvironmentConfig } from '../../lib/config';
import { CDK_CONTEXT, buildEnv } from './app-fixture';

/**
 * Issue 12 §4: point-in-time recovery reaches back 35 days, audit records are kept
 * auditRetentionDays (400 in prod), and the audit-recorder role can delete items. AWS Backup keeps
 * what PITR cannot (lib/constructs/table-backup.ts, lib/config.ts `backup`).
 */

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Json;
}
type Resources = Record<string, { Type: string; Properties: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

const resourcesOf = (t: Template) => (t.toJSON() as { Resources: Resources }).Resources;
const ofType = (t: Template, type: string) => Object.entries(resourcesOf(t)).filter(([, r]) => r.Type === type);
const only = <T>(xs: T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0] as T;
};
/** Logical id of the table with this TableName. */
const tableId = (t: Template, name: string) => only(ofType(t, 'AWS::DynamoDB::Table').filter(([, r]) => r.Properties.TableName === name))[0];
/** The logical ids of the tables one backup selection names (Fn::GetAtt <Table>.Arn). */
const selectedTables = (t: Template) =>
  (only(ofType(t, 'AWS::Backup::BackupSelection'))[1].Properties.BackupSelection as { Resources: Array<{ 'Fn::GetAtt': [string, string] }> }).Resources.map((r) => r['Fn::GetAtt'][0]).sort();
const planRule = (t: Template) => only((only(ofType(t, 'AWS::Backup::BackupPlan'))[1].Properties.BackupPlan as { BackupPlanRule: Json[] }).BackupPlanRule) as { ScheduleExpression: string; Lifecycle: { DeleteAfterDays: number } };

function synth(config: EnvironmentConfig) {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, config);
  return { storage: Template.fromStack(stacks.storage), replica: Template.fromStack(stacks.replicaStorage) };
}

describe('prod: AWS Backup of the stateful tables', () => {
  const config = loadEnvironmentConfig('prod');
  const { stacks } = buildEnv('prod', { bundle: false });
  const storage = Template.fromStack(stacks.storage);
  const replica = Template.fromStack(stacks.replicaStorage);
  const both = [storage, replica];

  test('prod: the audit table is backed up at least as long as audit records are kept', () => {
    expect(config.backup.enabled).toBe(true);
    expect(selectedTables(storage)).toContain(tableId(storage, 'blob-prod-audit'));
    expect(planRule(storage).Lifecycle.DeleteAfterDays).toBeGreaterThanOrEqual(config.auditRetentionDays);
    // Longer than point-in-time recovery, the gap the plan exists for.
    expect(planRule(storage).Lifecycle.DeleteAfterDays).toBeGreaterThan(35);
  });

  test('prod: backups are daily, in both regions, with the same retention', () => {
    const retentionDays = config.backup.enabled ? config.backup.retentionDays : undefined;
    for (const t of both) {
      expect(planRule(t).ScheduleExpression).toBe('cron(0 3 * * ? *)');
      expect(planRule(t).Lifecycle).toEqual({ DeleteAfterDays: retentionDays });
    }
  });

  test('prod: the kvstore of each region is backed up; the idempotency tables (disposable by design) are not', () => {
    expect(selectedTables(storage)).toEqual([tableId(storage, 'blob-prod-audit'), tableId(storage, 'blob-prod-kvstore')].sort());
    expect(selectedTables(replica)).toEqual([tableId(replica, 'blob-prod-kvstore')]);
  });

  test('prod: the vault is encrypted with its own customer-managed key with rotation; vault and key are retained when the stack is deleted', () => {
    for (const t of both) {
      const [, vault] = only(ofType(t, 'AWS::Backup::BackupVault'));
      expect(vault.Properties.BackupVaultName).toBe('blob-prod-backups');
      const keyId = (vault.Properties.EncryptionKeyArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const key = resourcesOf(t)[keyId];
      expect(key?.Type).toBe('AWS::KMS::Key');
      expect(key?.Properties.EnableKeyRotation).toBe(true);
      // Not the tables' key: losing that key must not take the backups with it.
      expect(keyId).toMatch(/^BackupKey/);
      for (const r of [vault, key]) expect([r?.DeletionPolicy, r?.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
  });

  test('prod: nobody but the account root may delete a recovery point or change its lifecycle', () => {
    for (const t of both) {
      const policy = only(ofType(t, 'AWS::Backup::BackupVault'))[1].Properties.AccessPolicy as { Statement: Statement[] };
      expect(policy.Statement).toEqual([
        {
          Sid: 'DenyRecoveryPointDeletionExceptAccountRoot',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
          Resource: '*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } } },
        },
      ]);
    }
  });

  test('prod: the backup role carries no AWS managed policy; its permissions name only the selected tables, the two keys and the vault', () => {
    for (const t of both) {
      const selection = only(ofType(t, 'AWS::Backup::BackupSelection'))[1].Properties.BackupSelection as { IamRoleArn: { 'Fn::GetAtt': [string, string] } };
      const roleId = selection.IamRoleArn['Fn::GetAtt'][0];
      expect(resourcesOf(t)[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
      const policies = ofType(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
      const statements = (only(policies)[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const resources = statements.flatMap((s) => [s.Resource].flat());
      expect(resources).not.toContain('*');
      const table = statements.find((s) => s.Sid === 'BackUpSelectedTables') as Statement;
      expect([table.Action].flat().sort()).toEqual(['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:StartAwsBackupJob']);
      expect(JSON.stringify(statements)).not.toMatch(/dynamodb:(CreateBackup|DeleteBackup|Restore)/);
      expect(statements.find((s) => s.Sid === 'GrantKeysToAwsServicesOnly')?.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    }
  });
});

describe('dev/staging: no backup plan unless configured', () => {
  test.each(['dev', 'staging'] as const)('%s: no backup plan unless configured (dev and staging data is disposable)', (env) => {
    const config = loadEnvironmentConfig(env);
    expect(config.backup).toEqual({ enabled: false });
    const { storage, replica } = synth(config);
    for (const t of [storage, replica]) {
      expect(Object.values(resourcesOf(t)).filter((r) => r.Type.startsWith('AWS::Backup::'))).toEqual([]);
    }
  });

  test('staging with backup configured gets the same plan, vault and selection, kept as configured', () => {
    const config = environmentConfigSchema.parse({ ...loadEnvironmentConfig('staging'), backup: { enabled: true, retentionDays: 120 } });
    const { storage, replica } = synth(config);
    expect(planRule(storage).Lifecycle.DeleteAfterDays).toBe(120);
    expect(selectedTables(storage)).toEqual([tableId(storage, 'blob-staging-audit'), tableId(storage, 'blob-staging-kvstore')].sort());
    expect(selectedTables(replica)).toEqual([tableId(replica, 'blob-staging-kvstore')]);
  });

  test('a backup retention shorter than auditRetentionDays is refused at synth, naming the field', () => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('prod'), backup: { enabled: true, retentionDays: 35 } });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['backup.retentionDays', 'must be at least auditRetentionDays, so every audit record stays recoverable while it is kept'],
    ]);
  });

  test('enabling backup without a retention is refused at synth', () => {
    const r = environmentConfigSchema.safeParse({ ...loadEnvironmentConfig('dev'), backup: { enabled: true } });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['backup.retentionDays']);
  });
});

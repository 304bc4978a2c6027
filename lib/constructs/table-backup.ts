import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface TableBackupProps {
  /** Vault name (regional); the vault key's alias is `alias/<vaultName>`. */
  readonly vaultName: string;
  readonly planName: string;
  /** Days each daily recovery point is kept. */
  readonly retentionDays: number;
  /** The tables to back up, all encrypted with `tableKey`. */
  readonly tables: readonly dynamodb.ITable[];
  readonly tableKey: kms.IKey;
  /** What the vault holds, for the key's and the role's descriptions. */
  readonly description: string;
}

/** Daily at 03:00 UTC: outside the hourly batch's minute and European working hours. */
const DAILY = events.Schedule.cron({ minute: '0', hour: '3' });

/**
 * AWS Backup of DynamoDB tables beyond point-in-time recovery's 35 days: a daily plan into a vault
 * encrypted with its own rotating key, a vault access policy that lets nobody but the account root
 * delete a recovery point or shorten its retention, and a backup role whose permissions are spelled
 * out (no AWS managed policy: AWSBackupServiceRolePolicyForBackup reaches every table, snapshot and
 * file system in the account). Every resource is native CloudFormation; no custom resource.
 *
 * Vault and key are always retained: CloudFormation cannot delete a vault that still holds
 * recovery points (and the access policy keeps anyone but the root from emptying it), and recovery
 * points outlive the stack by design, so the key that decrypts them must too.
 */
export class TableBackup extends Construct {
  readonly key: kms.Key;
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // A key of its own: scheduling deletion of (or losing access to) the tables' key must not take
    // the backups with it, and this key's use can be audited apart from the tables'.
    this.key = new kms.Key(this, 'Key', {
      description: `${props.description}: AWS Backup vault`,
      enableKeyRotation: true,
      alias: `alias/${props.vaultName}`,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The audit-recorder role can delete items, so an old record may exist only here: no one but
    // the account root (break-glass, e.g. a legal erasure request) may delete a recovery point or
    // change its lifecycle. The plan's own expiry is done by AWS Backup and is not affected.
    this.vault.addToAccessPolicy(
      new iam.PolicyStatement({
        sid: 'DenyRecoveryPointDeletionExceptAccountRoot',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:root` } },
      }),
    );

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `${props.description}: AWS Backup of the selected DynamoDB tables only`,
    });
    // The DynamoDB part of AWSBackupServiceRolePolicyForBackup, narrowed to these tables, their key
    // and this vault. Only the advanced DynamoDB backup path (StartAwsBackupJob: the recovery point
    // is a vault object under the vault key and policy); a backup plan opts the account in. Legacy
    // dynamodb:CreateBackup is left out: those backups stay deletable through DynamoDB's own API.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BackUpSelectedTables',
        actions: ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:StartAwsBackupJob'],
        resources: props.tables.map((t) => t.tableArn),
      }),
    );
    const keyArns = [props.tableKey.keyArn, this.key.keyArn];
    // DynamoDB reads the tables (table key) and writes the recovery point (vault key) on the role's behalf.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseKeysThroughDynamoDb',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: keyArns,
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` } },
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'DescribeKeys', actions: ['kms:DescribeKey'], resources: keyArns }));
    // Grants only for AWS services (AWS Backup and DynamoDB hold them for the job), never for a principal.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'GrantKeysToAwsServicesOnly',
        actions: ['kms:CreateGrant'],
        resources: keyArns,
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'DescribeVault', actions: ['backup:DescribeBackupVault'], resources: [this.vault.backupVaultArn] }));

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: props.planName,
      backupVault: this.vault,
      backupPlanRules: [new backup.BackupPlanRule({ ruleName: 'daily', scheduleExpression: DAILY, deleteAfter: Duration.days(props.retentionDays) })],
    });
    this.plan.addSelection('Tables', {
      resources: props.tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)),
      role: this.role,
      // The permissions above replace AWS's managed policies (cdk-nag AwsSolutions-IAM4); no restores:
      // a restore creates a new table and is run by an operator with a role made for it.
      disableDefaultBackupPolicy: true,
      allowRestores: false,
    });
  }
}

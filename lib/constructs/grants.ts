import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Least-privilege grants with explicit actions. CDK's bucket.grantRead/grantWrite use wildcard
 * actions (s3:GetObject*, s3:List*); these name each action and scope it to key prefixes, and
 * kvstore access is scoped to partition-key namespaces with dynamodb:LeadingKeys.
 *
 * A grant that unlocks a resource for a handler also hands the handler its name (the environment
 * variable the handler reads), and nothing else does: a function can never be configured with a
 * table, topic or bucket its role may not use.
 */
export interface ObjectAccess {
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** Key prefixes, for example ['uploads/']; the grant covers `${prefix}*`. */
  readonly prefixes: string[];
}

const READ = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'];
const WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'];
const DELETE = ['s3:DeleteObject'];

function objectArns(a: ObjectAccess): string[] {
  return a.prefixes.map((p) => a.bucket.arnForObjects(`${p}*`));
}

export function grantObjectRead(grantee: iam.IGrantable, a: ObjectAccess): void {
  iam.Grant.addToPrincipal({ grantee, actions: READ, resourceArns: objectArns(a) });
  a.key.grantDecrypt(grantee);
}

export function grantObjectWrite(grantee: iam.IGrantable, a: ObjectAccess): void {
  iam.Grant.addToPrincipal({ grantee, actions: WRITE, resourceArns: objectArns(a) });
  iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resourceArns: [a.key.keyArn] });
}

export function grantObjectDelete(grantee: iam.IGrantable, a: ObjectAccess): void {
  iam.Grant.addToPrincipal({ grantee, actions: DELETE, resourceArns: objectArns(a) });
}

/** ListBucket restricted to the given prefixes through the s3:prefix condition; sets BUCKET_NAME. */
export function grantList(grantee: lambda.Function, a: ObjectAccess): void {
  grantee.addEnvironment('BUCKET_NAME', a.bucket.bucketName);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [a.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': a.prefixes.flatMap((p) => [p, `${p}*`]) } },
    }),
  );
}

const KV_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'];
const KV_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** kvstore access limited to namespaces (partition-key values) such as ['analysis', 'deployment']; sets KVSTORE_TABLE. */
export function grantKvstoreNamespaces(
  grantee: lambda.Function,
  table: dynamodb.ITable,
  key: kms.IKey,
  namespaces: string[],
  mode: 'read' | 'readwrite' = 'readwrite',
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: mode === 'read' ? KV_READ : [...KV_READ, ...KV_WRITE],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': namespaces } },
    }),
  );
  if (mode === 'read') key.grantDecrypt(grantee);
  else key.grantEncryptDecrypt(grantee);
  grantee.addEnvironment('KVSTORE_TABLE', table.tableName);
}

/** Whole-table item access (explicit actions, one table), for tables owned by one concern; sets `envVar`. */
export function grantTableItems(grantee: lambda.Function, table: dynamodb.ITable, key: kms.IKey, envVar: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: [...KV_READ, ...KV_WRITE], resourceArns: [table.tableArn] });
  key.grantEncryptDecrypt(grantee);
  grantee.addEnvironment(envVar, table.tableName);
}

/**
 * Powertools idempotency records of this function only: the records' partition key is
 * `<keyPrefix>#<hash>` (the kit passes IDEMPOTENCY_KEY_PREFIX to Powertools), so LeadingKeys keeps
 * one function from reading or overwriting another's in-progress and completed records.
 */
export function grantIdempotency(grantee: lambda.Function, table: dynamodb.ITable, key: kms.IKey, keyPrefix: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${keyPrefix}#*`] } },
    }),
  );
  key.grantEncryptDecrypt(grantee);
  grantee.addEnvironment('IDEMPOTENCY_TABLE', table.tableName);
  grantee.addEnvironment('IDEMPOTENCY_KEY_PREFIX', keyPrefix);
}

/** sns:Publish on one topic, with the key SNS encrypts it under; sets TOPIC_ARN. */
export function grantPublish(grantee: lambda.Function, topic: sns.ITopic, key: kms.IKey): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [topic.topicArn] });
  iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resourceArns: [key.keyArn] });
  grantee.addEnvironment('TOPIC_ARN', topic.topicArn);
}

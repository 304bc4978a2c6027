import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Least-privilege grants with explicit actions. CDK's bucket.grantRead/grantWrite use wildcard
 * actions (s3:GetObject*, s3:List*); these name each action and scope it to key prefixes, and
 * kvstore access is scoped to partition-key namespaces with dynamodb:LeadingKeys.
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

/** ListBucket restricted to the given prefixes through the s3:prefix condition. */
export function grantList(grantee: iam.IGrantable, a: ObjectAccess): void {
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

/** kvstore access limited to namespaces (partition-key values) such as ['analysis', 'deployment']. */
export function grantKvstoreNamespaces(
  grantee: iam.IGrantable,
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
}

/** Whole-table item access (explicit actions, one table), for tables owned by one concern. */
export function grantTableItems(grantee: iam.IGrantable, table: dynamodb.ITable, key: kms.IKey): void {
  iam.Grant.addToPrincipal({ grantee, actions: [...KV_READ, ...KV_WRITE], resourceArns: [table.tableArn] });
  key.grantEncryptDecrypt(grantee);
}

export function grantPublish(grantee: iam.IGrantable, topic: sns.ITopic, key: kms.IKey): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [topic.topicArn] });
  iam.Grant.addToPrincipal({ grantee, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resourceArns: [key.keyArn] });
}

import { Aspects, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { rules } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * Findings of cdk-nag and checkov that this layer accepts on purpose, each with the reason a
 * security reviewer gets. They are attached where the finding arises (one construct, never a whole
 * stack), so a new resource elsewhere still has to pass every rule.
 */
export interface CheckovSkip {
  /** checkov check id, for example CKV_AWS_117 */
  readonly id: string;
  readonly reason: string;
}

/** Writes checkov's inline suppression (`Metadata.checkov.skip`) onto one resource. */
export function skipCheckov(resource: CfnResource, skips: readonly CheckovSkip[]): void {
  resource.addMetadata('checkov', { skip: skips.map((s) => ({ id: s.id, comment: s.reason })) });
}

const PREFIX_SCOPED_OBJECTS =
  'Object-level S3 access is deliberately scoped to one literal top-level key prefix (`<bucket-arn>/<prefix>/...`, ' +
  'see lib/constructs/grants.ts); the wildcards stand for object keys inside that prefix, which cannot be ' +
  'enumerated in advance. Bucket-wide (`<bucket-arn>/*`) and `*` resources are never acknowledged.';
const XRAY_WRITE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const XRAY_TRACING =
  'X-Ray active tracing: CDK grants xray:PutTraceSegments and xray:PutTelemetryRecords on *, because X-Ray has no ' +
  'resource-level permissions for these actions; every statement of this policy on * allows only those two actions.';
const KMS_ACTION_FAMILY =
  'kms:GenerateDataKey* and kms:ReEncrypt* come from Key.grantEncryptDecrypt, which DynamoDB and SNS ' +
  'server-side encryption need on a customer-managed key; the statement names exactly one key ARN, never *.';

/**
 * An S3 object ARN as cdk-nag flattens an Fn::Join: `arn:<partition>:s3:::<bucket>/<prefix>/…`.
 * The bucket may contain flattened tokens such as `<AWS::AccountId>` (deterministic bucket names)
 * but no `/` or `*`; the prefix must be literal (no `*`, no token that could resolve to anything).
 */
const S3_OBJECT_ARN = /^Resource::arn:(?:aws|aws-cn|aws-us-gov|<AWS::Partition>):s3:::[^*/]+\/[^*/<>]+\/.*$/;
/** `<LogicalId.Arn>/<prefix>/…`: an Fn::GetAtt; only an S3 object ARN if LogicalId is a bucket. */
const GETATT_OBJECT_ARN = /^Resource::<([A-Za-z0-9]+)\.Arn>\/[^*/<>]+\/.*$/;

/**
 * True only for S3 object ARNs of one bucket under a literal top-level key prefix
 * (`<bucket arn>/<prefix>/<anything>`), so the grant cannot reach keys outside that prefix.
 * `bucketLogicalIds` are the AWS::S3::Bucket resources of the policy's stack: an Fn::GetAtt Arn
 * followed by `/x/*` is also the shape of a DynamoDB index (`<Table.Arn>/index/*`) or a stream, and
 * log-group, SSM parameter-path and role ARNs have slashes too; none of those is acknowledged.
 */
export function isPrefixScopedObjectResource(finding: string, bucketLogicalIds: ReadonlySet<string> = new Set()): boolean {
  if (S3_OBJECT_ARN.test(finding)) return true;
  const getAtt = GETATT_OBJECT_ARN.exec(finding);
  return getAtt !== null && bucketLogicalIds.has(getAtt[1] as string);
}

interface RawStatement {
  readonly actions: string[];
  readonly resources: unknown[];
}

function acknowledgedReason(finding: string, statements: RawStatement[], bucketLogicalIds: ReadonlySet<string>): string | undefined {
  if (isPrefixScopedObjectResource(finding, bucketLogicalIds)) return PREFIX_SCOPED_OBJECTS;
  if (finding === 'Resource::*') {
    const onStar = statements.filter((s) => s.resources.includes('*'));
    const onlyXray = onStar.length > 0 && onStar.every((s) => s.actions.length > 0 && s.actions.every((a) => XRAY_WRITE_ACTIONS.includes(a)));
    return onlyXray ? XRAY_TRACING : undefined;
  }
  if (finding === 'Action::kms:GenerateDataKey*' || finding === 'Action::kms:ReEncrypt*') {
    const action = finding.slice('Action::'.length);
    const onlyKeys = statements
      .filter((s) => s.actions.includes(action))
      .every((s) => s.resources.length > 0 && s.resources.every((r) => !JSON.stringify(r).includes('*')));
    return onlyKeys ? KMS_ACTION_FAMILY : undefined;
  }
  return undefined;
}

/**
 * Runs cdk-nag's own AwsSolutions-IAM5 rule over every IAM policy below `scope` and acknowledges
 * only the findings above; anything else (a `*` resource, `s3:*`, a bucket-wide object grant) stays
 * a finding. It runs as a construct validation because those run after every grant is in place and
 * after cross-stack references are resolved into the Fn::ImportValue form cdk-nag then reports,
 * yet before validation plugins such as cdk-nag run.
 */
class AcknowledgeScopedWildcards implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy)) return;
    node.node.addValidation({
      validate: () => {
        const result = rules.iam.IAMNoWildcardPermissions(node);
        if (!Array.isArray(result)) return [];
        const statements = policyStatements(node);
        const buckets = bucketLogicalIds(Stack.of(node));
        for (const finding of result) {
          const reason = acknowledgedReason(finding, statements, buckets);
          if (reason) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
        }
        return [];
      },
    });
  }
}

/** Logical ids of the stack's own buckets: the only Fn::GetAtt targets that make an S3 object ARN. */
function bucketLogicalIds(stack: Stack): ReadonlySet<string> {
  return new Set(stack.node.findAll().filter((c): c is s3.CfnBucket => c instanceof s3.CfnBucket).map((b) => stack.getLogicalId(b)));
}

/** Allow statements of the resolved policy document, with Action and Resource as arrays. */
function policyStatements(node: iam.CfnPolicy): RawStatement[] {
  const resolved = Stack.of(node).resolve(node.policyDocument) as { Statement?: Array<Record<string, unknown>> };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  return (resolved.Statement ?? [])
    .filter((s) => s.Effect === 'Allow')
    .map((s) => ({ actions: list(s.Action).map(String), resources: list(s.Resource) }));
}

export function acknowledgePrefixScopedWildcards(scope: IConstruct): void {
  Aspects.of(scope).add(new AcknowledgeScopedWildcards());
}

/** Where CDK puts the one auto-delete provider of a stack (its Lambda is a plain CfnResource). */
const AUTO_DELETE_PROVIDER_ID = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';
const AUTO_DELETE_PROVIDER =
  "CDK's S3 auto-delete provider (autoDeleteObjects, dev and staging buckets only) runs only when CloudFormation " +
  'deletes a bucket of this stack, to remove its object versions and delete markers';
const AUTO_DELETE_PROVIDER_CHECKOV_SKIPS: readonly CheckovSkip[] = [
  {
    id: 'CKV_AWS_115',
    reason: `${AUTO_DELETE_PROVIDER}; reserved concurrency would hold account capacity for a function that is idle between stack deletions.`,
  },
  {
    id: 'CKV_AWS_116',
    reason: `${AUTO_DELETE_PROVIDER}. CloudFormation invokes it synchronously and a failure fails the stack deletion visibly, so there is no asynchronous event a DLQ could keep.`,
  },
  {
    id: 'CKV_AWS_117',
    reason: `${AUTO_DELETE_PROVIDER}. It calls only the regional S3 API (list versions, delete objects, bucket policy) over TLS with IAM auth; a VPC would add NAT cost without reducing exposure.`,
  },
];

/**
 * Attaches the accepted checkov findings to the auto-delete provider Lambda of `bucket`'s stack and
 * nowhere else. cdk-nag (3.0.2) does not inspect the provider: it is an untyped CfnResource, not a
 * CfnFunction/CfnRole, so AwsSolutions-IAM4/L1 never fire on it; the README documents its managed
 * policy instead. Fails synthesis if CDK moves the provider, so the skips cannot silently detach.
 */
export function acknowledgeAutoDeleteObjectsProvider(bucket: IConstruct): void {
  const handler = Stack.of(bucket).node.tryFindChild(AUTO_DELETE_PROVIDER_ID)?.node.tryFindChild('Handler');
  if (!(handler instanceof CfnResource) || handler.cfnResourceType !== 'AWS::Lambda::Function') {
    throw new Error(`${bucket.node.path}: no auto-delete provider Lambda at ${AUTO_DELETE_PROVIDER_ID}/Handler; update lib/constructs/compliance.ts`);
  }
  skipCheckov(handler, AUTO_DELETE_PROVIDER_CHECKOV_SKIPS);
}

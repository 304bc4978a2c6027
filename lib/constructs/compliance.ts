import { Aspects, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
const KMS_ACTION_FAMILY =
  'kms:GenerateDataKey* and kms:ReEncrypt* come from Key.grantEncryptDecrypt, which DynamoDB and SNS ' +
  'server-side encryption need on a customer-managed key; the statement names exactly one key ARN, never *.';

/**
 * True for `Resource::<bucket arn>/<literal prefix>/<anything>`: the key pattern starts with a
 * wildcard-free top-level prefix, so the grant cannot reach keys outside it. The bucket part of a
 * flattened ARN never contains a `/`, so the first `/` starts the key.
 */
export function isPrefixScopedObjectResource(finding: string): boolean {
  return /^Resource::[^*/]+\/[^*/]+\/.*$/.test(finding);
}

interface RawStatement {
  readonly actions: string[];
  readonly resources: unknown[];
}

function acknowledgedReason(finding: string, statements: RawStatement[]): string | undefined {
  if (isPrefixScopedObjectResource(finding)) return PREFIX_SCOPED_OBJECTS;
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
        for (const finding of result) {
          const reason = acknowledgedReason(finding, statements);
          if (reason) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
        }
        return [];
      },
    });
  }
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

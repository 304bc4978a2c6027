import type { LocalFunction } from '../provision';
import type { PolicyEvaluator } from './evaluate';

/**
 * Lambda refuses to create a function whose role it may not assume; so does the local copy, with
 * the trust policy evaluated like every other policy.
 */
export async function assertLambdaCanAssume(functions: readonly LocalFunction[], evaluator: PolicyEvaluator): Promise<void> {
  for (const fn of functions) {
    if (!fn.roleArn) throw new Error(`${fn.stackName}/${fn.logicalId}: no execution role`);
    const d = await evaluator.evaluate({ arn: 'lambda.amazonaws.com', kind: 'service', identityPolicies: [] }, { action: 'sts:AssumeRole', resource: fn.roleArn, context: {} });
    if (!d.allowed) throw new Error(`${fn.stackName}/${fn.logicalId}: the role defined for the function cannot be assumed by Lambda (${fn.roleArn} ${d.reason})`);
  }
}

import { createHash } from 'node:crypto';

/** CloudFormation's naming scheme for unnamed resources, made deterministic. */
export function generatedName(stackName: string, logicalId: string, maxLength: number, lowercase = false): string {
  const suffix = createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').slice(0, 10).toUpperCase();
  const base = `${stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
  const name = `${base}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}

/** The local copy's stand-in for a function's asynchronous invocation queue. */
export function invokeQueueName(functionName: string): string {
  return `local-invoke-${functionName}`.slice(0, 80);
}

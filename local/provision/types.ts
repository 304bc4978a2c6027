import type { ResolvedResource } from '../iam/policies';
import type { Json } from './intrinsics';
import type { ReplicationRule } from './resources/s3';

/** What provisioning made of each template resource, in the shapes the runtime and gateway use. */

export interface LocalFunction {
  readonly logicalId: string;
  readonly stackName: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly assetDir: string;
  readonly handler: string;
  /** The template's Runtime (nodejs22.x…), as Lambda's GetFunctionConfiguration reports it. */
  readonly runtime?: string;
  /** The execution role (its credentials are what the function runs with). */
  readonly roleArn?: string;
  readonly environment: Record<string, string>;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The template's Tags plus the aws:cloudformation:* tags CloudFormation adds to a function it creates. */
  readonly tags: Record<string, string>;
  /** The queue the local runtime consumes in place of Lambda's async invocation queue. */
  readonly invokeQueueUrl: string;
  readonly invokeQueueArn: string;
  deadLetterQueueUrl?: string;
  deadLetterQueueArn?: string;
  /** Lambda async retries after the first attempt (EventInvokeConfig; AWS default 2). */
  maxRetryAttempts: number;
}

export interface LocalRule {
  readonly logicalId: string;
  readonly stackName: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly schedule?: string;
  readonly enabled: boolean;
  /** Functions this rule invokes (their invoke queues replace the Lambda targets). */
  readonly functions: LocalFunction[];
}

export interface LocalBucket {
  readonly logicalId: string;
  readonly stackName: string;
  readonly region: string;
  readonly name: string;
  readonly eventBridge: boolean;
  readonly replication: ReplicationRule[];
}

export interface LocalTopic {
  readonly arn: string;
  readonly region: string;
  readonly tailQueueUrl: string;
}

export interface ProvisionedStack {
  readonly name: string;
  readonly region: string;
  readonly outputs: Record<string, string>;
  /** logical id -> physical id, what CloudFormation's DescribeStackResources returns on AWS. */
  readonly resources: Record<string, { type: string; physicalId: string }>;
}

export interface Provisioned {
  readonly stacks: ProvisionedStack[];
  readonly functions: LocalFunction[];
  readonly rules: LocalRule[];
  readonly buckets: LocalBucket[];
  readonly topics: LocalTopic[];
  /** "Stack/LogicalId (Type): why" for every resource the emulator does not create. */
  readonly notEmulated: string[];
  /** Every resource with its properties resolved to physical values (policies are read from these). */
  readonly resources: ResolvedResource[];
}

/** A created resource: what Ref returns and the attributes Fn::GetAtt may read. */
export interface Physical {
  readonly type: string;
  readonly ref: string;
  readonly attrs: Record<string, Json>;
}

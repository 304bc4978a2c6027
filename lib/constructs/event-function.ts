import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { CheckovSkip, acknowledgePrefixScopedWildcards, skipCheckov } from './compliance';

const ROOT = join(__dirname, '..', '..');

/** checkov findings every event function shares, accepted for the reasons given. */
/** Only when the environment sets no reservedConcurrency (lib/config.ts); with one, CKV_AWS_115 passes. */
export const NO_RESERVED_CONCURRENCY_SKIP: CheckovSkip = {
  id: 'CKV_AWS_115',
  reason:
    'No reserved concurrency in this environment: it is a per-environment setting (lib/config.ts reservedConcurrency, off ' +
    'by default and always off in dev) because reserving per function subtracts from the account pool (10 in new accounts) ' +
    'and can fail deployment. Set it where environments share an account so dev cannot starve them; until then throttling ' +
    'is alarmed, and throttled events are retried by EventBridge and land in the DLQ.',
};

/** cdk-nag Serverless findings every event function shares, accepted for the reasons given. */
const SERVERLESS_ACKNOWLEDGEMENTS = {
  asyncFailureDestination:
    'Asynchronous invocation failures go to the function dead-letter queue (DeadLetterConfig), the same queue EventBridge ' +
    'uses for delivery failures, so both carry the original event and one redrive (npm run redrive) replays them; an ' +
    'OnFailure destination would wrap the event in a different envelope and split failures across two mechanisms.',
  dlqRedrivePolicy:
    'This queue is itself the dead-letter queue of one function and its rule target (14 days retention, depth alarm at ' +
    'thresholds.dlqDepth); messages leave it only through npm run redrive after the cause is fixed, so a further ' +
    'dead-letter queue behind it would only move the same messages once more.',
} as const;

export const EVENT_FUNCTION_CHECKOV_SKIPS: Record<'function' | 'queue' | 'logs', readonly CheckovSkip[]> = {
  function: [
    {
      id: 'CKV_AWS_117',
      reason:
        'No VPC: the function reaches only regional AWS APIs (S3, DynamoDB, SNS) over TLS with IAM auth and has no private ' +
        'resource to reach; a VPC would add NAT or endpoint cost and cold-start latency without reducing exposure.',
    },
    {
      id: 'CKV_AWS_173',
      reason:
        'Environment variables hold only resource names and settings, never secrets; Lambda encrypts them at rest with ' +
        'its service key, and a CMK would only add key-policy surface.',
    },
  ],
  queue: [
    {
      id: 'CKV_AWS_27',
      reason:
        'Encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which checkov does not recognise; a CMK would require ' +
        'granting events.amazonaws.com use of the storage stack key for every queue. The queue is TLS-only.',
    },
  ],
  logs: [
    {
      id: 'CKV_AWS_158',
      reason:
        'CloudWatch Logs encrypts every log group at rest; handlers log object keys, sizes and counts, never object ' +
        'contents, so a CMK (and logs.<region>.amazonaws.com in the key policy) adds no protection for this data.',
    },
  ],
};

export interface EventFunctionProps {
  /** Handler file under lambda/, without extension; also the function's logical name. */
  readonly handler: string;
  readonly description: string;
  /** Rule on the default bus. Exactly one of eventPattern / schedule. */
  readonly eventPattern?: events.EventPattern;
  readonly schedule?: events.Schedule;
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
  /** Alarms (DLQ depth, errors, throttles) notify this topic. */
  readonly alarmTopic: sns.ITopic;
  readonly dlqDepthThreshold: number;
  /** Service name for Powertools logger/metrics; defaults to the handler name. */
  readonly serviceName?: string;
  readonly metricsNamespace: string;
  /** Reserved concurrent executions (lib/config.ts reservedConcurrency); undefined reserves none. */
  readonly reservedConcurrency?: number;
}

/**
 * Rule → function → retries → dead-letter queue → alarms, wired one way for every handler.
 *
 * Delivery failures (EventBridge could not invoke) and execution failures (the function threw on
 * every async retry) land in the same queue, so one redrive command replays both through the same
 * idempotent handler.
 */
export class EventFunction extends Construct {
  readonly function: NodejsFunction;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: EventFunctionProps) {
    super(scope, id);
    if (!!props.eventPattern === !!props.schedule) {
      throw new Error(`${id}: give exactly one of eventPattern or schedule`);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });

    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy (resource *):
    // it may write to this function's own log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handler}: execution role`,
    });
    logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: join(ROOT, 'lambda', `${props.handler}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(60),
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      // X-Ray active tracing: CDK adds xray:PutTraceSegments/PutTelemetryRecords to the role.
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? props.handler,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        // Names and mappings only: stack traces still point at lambda/ and core/ lines, while the
        // map stays near the bundle's size instead of carrying every dependency's source text.
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.CJS,
        // Nothing external (CDK would otherwise leave @aws-sdk/* to the runtime): the bundle carries
        // the AWS SDK versions package-lock pins, so AWS, the local copy and engines that ship no SDK
        // at all run the same code (test/stacks/bundles.test.ts loads a bundle without node_modules).
        externalModules: [],
        // The SDK's and Powertools' ES builds tree-shake; their CJS builds do not (~290 kB smaller).
        mainFields: ['module', 'main'],
        // Lambda only; never Docker (the local esbuild in node_modules is always present).
        forceDockerBundling: false,
      },
    });

    acknowledgePrefixScopedWildcards(this);
    skipCheckov(this.function.node.defaultChild as lambda.CfnFunction, [
      ...EVENT_FUNCTION_CHECKOV_SKIPS.function,
      ...(props.reservedConcurrency === undefined ? [NO_RESERVED_CONCURRENCY_SKIP] : []),
    ]);
    const invokeConfig = this.function.node.tryFindChild('EventInvokeConfig')?.node.defaultChild;
    if (!invokeConfig) throw new Error(`${id}: no EventInvokeConfig under the function; update the Serverless acknowledgement`);
    Validations.of(invokeConfig).acknowledge({ id: 'Serverless-LambdaAsyncFailureDestination', reason: SERVERLESS_ACKNOWLEDGEMENTS.asyncFailureDestination });
    Validations.of(this.deadLetterQueue.node.defaultChild as sqs.CfnQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: SERVERLESS_ACKNOWLEDGEMENTS.dlqRedrivePolicy,
    });
    skipCheckov(this.deadLetterQueue.node.defaultChild as sqs.CfnQueue, EVENT_FUNCTION_CHECKOV_SKIPS.queue);
    skipCheckov(logGroup.node.defaultChild as logs.CfnLogGroup, EVENT_FUNCTION_CHECKOV_SKIPS.logs);

    this.rule = new events.Rule(this, 'Rule', {
      description: props.description,
      eventPattern: props.eventPattern,
      schedule: props.schedule,
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );

    const action = new cwActions.SnsAction(props.alarmTopic);
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    alarm(
      'DeadLetterQueueDepth',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      props.dlqDepthThreshold,
      `${props.handler}: events failed every retry and wait in the DLQ; fix the cause, then redrive (README "Redrive").`,
    );
    alarm('Errors', this.function.metricErrors({ period: Duration.minutes(5) }), 1, `${props.handler}: invocations threw.`);
    alarm('Throttles', this.function.metricThrottles({ period: Duration.minutes(5) }), 1, `${props.handler}: invocations were throttled.`);
  }
}

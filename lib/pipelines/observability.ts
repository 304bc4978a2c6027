import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { resourceNames } from '../config';
import { REPLICATION_RULE_ID, replicaBucketName, storageBucketName } from '../stacks/names';
import type { PipelineModule } from '../stacks/pipelines-stack';
import type { PipelineContext } from './context';

const PERIOD = Duration.minutes(5);

/**
 * Alarms the stateful layer needs beyond the per-function ones (EventFunction already alarms on
 * each DLQ's depth, errors and throttles): S3 replication of critical/ and SNS delivery. In the
 * primary region it also draws the environment's one dashboard. Registered last, because the
 * dashboard lists every function the modules before it created.
 */
export const observability: PipelineModule = (ctx) => {
  const scope = new Construct(ctx.scope, 'Observability');
  const names = resourceNames(ctx.config.name);
  const alarmAction = new cwActions.SnsAction(ctx.operationsTopic);
  const alarm = (id: string, metric: cloudwatch.Metric, threshold: number, op: cloudwatch.ComparisonOperator, description: string) => {
    const a = new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: op,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    a.addAlarmAction(alarmAction);
    return a;
  };
  const atLeast = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

  // SNS reports deliveries it gave up on per topic; a silent subscriber is otherwise invisible.
  const topicNames = isPrimary(ctx) ? [names.notificationTopic, names.operationsTopic] : [names.operationsTopic];
  const snsFailed = topicNames.map((topicName) => snsFailedMetric(topicName));
  // A label would turn the alarm into a metric-math alarm; only the dashboard gets one.
  const snsFailedLabelled = snsFailed.map((m, i) => m.with({ label: topicNames[i] }));
  topicNames.forEach((topicName, i) =>
    alarm(
      topicAlarmId(topicName, names.notificationTopic),
      snsFailed[i] as cloudwatch.Metric,
      1,
      atLeast,
      `SNS topic ${topicName} failed to deliver notifications; check its subscriptions.`,
    ),
  );

  if (!isPrimary(ctx)) return;

  // S3 publishes replication metrics (enabled by the rule's `metrics`) in the source region.
  const replication = (metricName: string, statistic: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      statistic,
      period: PERIOD,
      dimensionsMap: {
        SourceBucket: storageBucketName(ctx.config),
        DestinationBucket: replicaBucketName(ctx.config),
        RuleId: REPLICATION_RULE_ID,
      },
    });
  const latency = replication('ReplicationLatency', 'Maximum');
  const failed = replication('OperationsFailedReplication', 'Sum');
  alarm(
    'ReplicationLatencyAlarm',
    latency,
    ctx.config.thresholds.replicationLatencySeconds,
    cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    `critical/ replication to ${ctx.config.replicaRegion} is slower than ${ctx.config.thresholds.replicationLatencySeconds} s (RTC promises 15 minutes).`,
  );
  alarm('ReplicationFailedOperationsAlarm', failed, 1, atLeast, `critical/ objects failed to replicate to ${ctx.config.replicaRegion}.`);

  dashboard(scope, ctx, { latency, failed, snsFailed: snsFailedLabelled });
};

function isPrimary(ctx: PipelineContext): boolean {
  return Stack.of(ctx.scope).region === ctx.config.primaryRegion;
}

function topicAlarmId(topicName: string, notificationTopic: string): string {
  return topicName === notificationTopic ? 'NotificationsDeliveryFailedAlarm' : 'OperationsDeliveryFailedAlarm';
}

function snsFailedMetric(topicName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SNS',
    metricName: 'NumberOfNotificationsFailed',
    statistic: 'Sum',
    period: PERIOD,
    dimensionsMap: { TopicName: topicName },
  });
}

function dashboard(
  scope: Construct,
  ctx: PipelineContext,
  m: { latency: cloudwatch.Metric; failed: cloudwatch.Metric; snsFailed: cloudwatch.Metric[] },
): void {
  const fns = ctx.functions;
  const perFunction = (metric: (f: (typeof fns)[number]) => cloudwatch.IMetric) => fns.map(metric);
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
    new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
  const label = (f: (typeof fns)[number]) => f.node.id;
  new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: `blob-${ctx.config.name}`,
    defaultInterval: Duration.hours(24),
    widgets: [
      [
        graph('Invocations', perFunction((f) => f.function.metricInvocations({ period: PERIOD, label: label(f) }))),
        graph('Errors', perFunction((f) => f.function.metricErrors({ period: PERIOD, label: label(f) }))),
      ],
      [
        graph('Duration (p95)', perFunction((f) => f.function.metricDuration({ period: PERIOD, statistic: 'p95', label: label(f) }))),
        graph(
          'Dead-letter queue depth',
          perFunction((f) =>
            f.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum', label: label(f) }),
          ),
        ),
      ],
      [
        graph('critical/ replication latency (s) and failures', [m.latency], [m.failed]),
        graph('SNS notifications failed', m.snsFailed),
      ],
      replicaRegionRow(ctx, graph),
    ],
  });
}

/**
 * The replica region's functions are in another stack and region, so the dashboard cannot name
 * them; a cross-region SEARCH over the replica pipelines stack's name prefix (CloudFormation
 * prefixes generated function and queue names with it) shows every one of them, present or future.
 */
function replicaRegionRow(ctx: PipelineContext, graph: (title: string, left: cloudwatch.IMetric[]) => cloudwatch.GraphWidget): cloudwatch.IWidget[] {
  const stackName = resourceNames(ctx.config.name).stacks.replicaPipelines;
  const search = (dimension: string, metricName: string, stat: string, period: Duration) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{${dimension}} MetricName="${metricName}" "${stackName}"', '${stat}', ${period.toSeconds()})`,
      usingMetrics: {},
      // A dynamic label names each series by its function or queue instead of repeating the query.
      label: `${metricName} \${PROP('Dim.${dimension.split(',')[1]}')}`,
      searchRegion: ctx.config.replicaRegion,
      period,
    });
  return [
    graph(`${ctx.config.replicaRegion}: function errors and invocations`, [
      search('AWS/Lambda,FunctionName', 'Errors', 'Sum', PERIOD),
      search('AWS/Lambda,FunctionName', 'Invocations', 'Sum', PERIOD),
    ]),
    graph(`${ctx.config.replicaRegion}: dead-letter queue depth`, [
      search('AWS/SQS,QueueName', 'ApproximateNumberOfMessagesVisible', 'Maximum', Duration.minutes(1)),
    ]),
  ];
}

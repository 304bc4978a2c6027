import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EnvironmentName } from '../../lib/config';
import { PRIMARY_MODULES, REPLICA_MODULES } from '../../lib/pipelines';
import { observability } from '../../lib/pipelines/observability';
import type { PipelinesStack } from '../../lib/stacks/pipelines-stack';
import { BuiltEnv, buildEnv } from '../stacks/app-fixture';

/**
 * Issue 7.2/7.3: every alarm of the stateless stacks, asserted by name. The checks run over the
 * real pipeline modules (whatever is registered), so a function or queue added later without its
 * alarms fails here.
 */

type Json = Record<string, unknown>;
interface Alarm {
  readonly id: string;
  readonly p: Json;
}

const ENVS = ['dev', 'prod'] as const;
const built: Record<(typeof ENVS)[number], BuiltEnv> = { dev: buildEnv('dev', { bundle: false }), prod: buildEnv('prod', { bundle: false }) };

function alarmsOf(stack: Stack): Alarm[] {
  return Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => ({ id, p: r.Properties as Json }));
}
const ref = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as lambda.CfnFunction);
const dims = (a: Alarm) => a.p.Dimensions as Array<{ Name: string; Value: unknown }> | undefined;
const dimValue = (a: Alarm, name: string) => dims(a)?.find((d) => d.Name === name)?.Value;

/**
 * The operations topic of the stack's region, as the stack refers to it: by its deterministic ARN
 * (pipelines stacks never import from the storage stacks).
 */
function operationsTopicAction(env: EnvironmentName, stack: PipelinesStack): unknown {
  return { 'Fn::Join': ['', [`arn:aws:sns:${stack.region}:`, { Ref: 'AWS::AccountId' }, `:blob-${env}-operations`]] };
}

/**
 * Queues the template uses as a dead-letter target anywhere: a function's async DLQ, an EventBridge
 * target's DLQ, a queue's redrive policy or an event source mapping's on-failure destination.
 */
function deadLetterQueuesOf(stack: Stack): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: Json }>;
  const queues = new Set(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue').map(([id]) => id));
  const found = new Set<string>();
  const visit = (v: unknown, inDlqKey: boolean): void => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, inDlqKey));
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Json)) {
      const dlqKey = inDlqKey || ['DeadLetterConfig', 'RedrivePolicy', 'OnFailure'].includes(k);
      if (dlqKey && k === 'Fn::GetAtt' && Array.isArray(child) && queues.has(String(child[0]))) found.add(String(child[0]));
      visit(child, dlqKey);
    }
  };
  for (const r of Object.values(resources)) visit(r.Properties, false);
  return [...found];
}

const cases = ENVS.flatMap((env) => [
  { env, region: 'primary' as const, stack: built[env].stacks.pipelines },
  { env, region: 'replica' as const, stack: built[env].stacks.replicaPipelines },
]);

describe.each(cases)('$env $region pipelines stack', ({ env, region, stack }) => {
  const alarms = alarmsOf(stack);
  const action = operationsTopicAction(env, stack);

  test('every dead-letter queue has a depth alarm (max visible messages per minute >= 1) notifying the operations topic', () => {
    const dlqs = deadLetterQueuesOf(stack);
    expect(dlqs.sort()).toEqual(expect.arrayContaining(stack.functions.map((f) => stack.getLogicalId(f.deadLetterQueue.node.defaultChild as sqs.CfnQueue)).sort()));
    if (region === 'primary') expect(dlqs.length).toBeGreaterThan(0);
    for (const q of dlqs) {
      const a = alarms.find((x) => x.p.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(dimValue(x, 'QueueName')) === JSON.stringify({ 'Fn::GetAtt': [q, 'QueueName'] }));
      expect({ queue: q, alarm: a?.p }).toEqual({
        queue: q,
        alarm: expect.objectContaining({
          Namespace: 'AWS/SQS',
          Statistic: 'Maximum',
          Period: 60,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          AlarmActions: [action],
        }),
      });
    }
  });

  test.each(['Errors', 'Throttles'])('every function has a %s alarm (5-minute sum >= 1) notifying the operations topic', (metric) => {
    const functions = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(functions.sort()).toEqual(stack.functions.map((f) => ref(stack, f.function)).sort());
    for (const fn of functions) {
      const a = alarms.find((x) => x.p.MetricName === metric && JSON.stringify(dimValue(x, 'FunctionName')) === JSON.stringify({ Ref: fn }));
      expect(a?.p).toEqual(
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [action],
        }),
      );
    }
  });

  test('SNS delivery failures: a NumberOfNotificationsFailed alarm per topic of the region', () => {
    const topics = alarms.filter((a) => a.p.Namespace === 'AWS/SNS' && a.p.MetricName === 'NumberOfNotificationsFailed');
    const names = topics.map((a) => dimValue(a, 'TopicName')).sort();
    expect(names).toEqual(region === 'primary' ? [`blob-${env}-notifications`, `blob-${env}-operations`] : [`blob-${env}-operations`]);
    for (const a of topics) {
      expect(a.p).toEqual(expect.objectContaining({ Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [action] }));
    }
  });

  test('every alarm notifies the operations topic of its region and treats missing data as OK', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a.p.AlarmActions).toEqual([action]);
      expect(a.p.TreatMissingData).toBe('notBreaching');
      expect(String(a.p.AlarmDescription ?? '').length).toBeGreaterThan(10);
    }
  });

  test('no alarm exists that these tests do not assert (acceptance 7.3)', () => {
    const perFunction = 3 * stack.functions.length;
    const stackLevel = region === 'primary' ? 2 /* SNS */ + 2 /* replication */ : 1;
    expect(alarms.length).toBe(perFunction + stackLevel);
  });
});

describe.each(ENVS)('%s replication alarms (primary region, from the rule\'s replication metrics)', (env) => {
  const stack = built[env].stacks.pipelines;
  const alarms = alarmsOf(stack);
  const replicationDims = [
    { Name: 'DestinationBucket', Value: { 'Fn::Join': ['', [`blob-${env}-replica-`, { Ref: 'AWS::AccountId' }, '-us-west-2']] } },
    { Name: 'RuleId', Value: 'replicate-critical' },
    { Name: 'SourceBucket', Value: { 'Fn::Join': ['', [`blob-${env}-storage-`, { Ref: 'AWS::AccountId' }, '-eu-central-1']] } },
  ];
  const sortDims = (a: Alarm) => [...(dims(a) ?? [])].sort((x, y) => x.Name.localeCompare(y.Name));

  test('replication latency alarm: AWS/S3 ReplicationLatency maximum above 900 s (the 15-minute RTC promise)', () => {
    const a = alarms.find((x) => x.p.MetricName === 'ReplicationLatency');
    expect(a?.p).toEqual(expect.objectContaining({ Namespace: 'AWS/S3', Statistic: 'Maximum', Threshold: 900, ComparisonOperator: 'GreaterThanThreshold' }));
    expect(sortDims(a as Alarm)).toEqual(replicationDims);
  });

  test('replication failure alarm: AWS/S3 OperationsFailedReplication sum of at least 1', () => {
    const a = alarms.find((x) => x.p.MetricName === 'OperationsFailedReplication');
    expect(a?.p).toEqual(expect.objectContaining({ Namespace: 'AWS/S3', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }));
    expect(sortDims(a as Alarm)).toEqual(replicationDims);
  });

  test('the replication alarms name the rule the storage bucket actually has', () => {
    const bucket = Template.fromStack(built[env].stacks.storage).findResources('AWS::S3::Bucket', { Properties: { ReplicationConfiguration: {} } });
    const ids = Object.values(bucket).flatMap((b) => ((b.Properties as Json).ReplicationConfiguration as { Rules: Array<{ Id: string }> }).Rules.map((r) => r.Id));
    expect(ids).toEqual(['replicate-critical']);
  });
});

describe.each(ENVS)('%s dashboard', (env: EnvironmentName) => {
  const b = built[env as 'dev' | 'prod'];
  const all = [b.stacks.replicaStorage, b.stacks.storage, b.stacks.pipelines, b.stacks.replicaPipelines];

  test('exactly one CloudWatch dashboard per environment, in the primary region, named blob-<env>', () => {
    const dashboards = all.flatMap((s) => Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::Dashboard')).map((d) => ({ s, d })));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.s).toBe(b.stacks.pipelines);
    expect((dashboards[0]?.d.Properties as Json).DashboardName).toBe(`blob-${env}`);
  });

  test('the dashboard shows invocations, errors and duration of every function, every DLQ depth, replication and SNS', () => {
    const stack = b.stacks.pipelines;
    const d = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0] as Json;
    const body = JSON.stringify((d.Properties as Json).DashboardBody);
    for (const title of ['Invocations', 'Errors', 'Duration (p95)', 'Dead-letter queue depth', 'replication latency', 'SNS notifications failed']) {
      expect(body).toContain(title);
    }
    for (const f of stack.functions) {
      expect(body.split(JSON.stringify({ Ref: ref(stack, f.function) })).length - 1).toBeGreaterThanOrEqual(3);
      expect(body).toContain(JSON.stringify({ 'Fn::GetAtt': [stack.getLogicalId(f.deadLetterQueue.node.defaultChild as sqs.CfnQueue), 'QueueName'] }));
    }
    for (const metric of ['ReplicationLatency', 'OperationsFailedReplication', 'NumberOfNotificationsFailed']) expect(body).toContain(metric);
  });

  test('the dashboard also covers the replica region: errors, invocations and DLQ depth of every replica function, by cross-region search', () => {
    const d = Object.values(Template.fromStack(b.stacks.pipelines).findResources('AWS::CloudWatch::Dashboard'))[0] as Json;
    const body = JSON.parse(JSON.stringify((d.Properties as Json).DashboardBody).replace(/\{"Ref":"AWS::Region"\}/g, '"eu-central-1"')) as { 'Fn::Join': [string, string[]] };
    const widgets = (JSON.parse(body['Fn::Join'][1].join('')) as { widgets: Array<{ properties: { title: string; metrics: Array<Array<{ expression?: string; region?: string }>> } }> }).widgets;
    const replicaSeries = widgets.filter((w) => w.properties.title.startsWith('us-west-2:')).flatMap((w) => w.properties.metrics.flat());
    const expected = [
      `SEARCH('{AWS/Lambda,FunctionName} MetricName="Errors" "Blob-${env}-ReplicaPipelines"', 'Sum', 300)`,
      `SEARCH('{AWS/Lambda,FunctionName} MetricName="Invocations" "Blob-${env}-ReplicaPipelines"', 'Sum', 300)`,
      `SEARCH('{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" "Blob-${env}-ReplicaPipelines"', 'Maximum', 60)`,
    ];
    expect(replicaSeries.map((m) => [m.expression, m.region])).toEqual(expected.map((e) => [e, 'us-west-2']));
  });
});

test('observability is registered last in both regions, so it sees every function', () => {
  expect(PRIMARY_MODULES.at(-1)).toBe(observability);
  expect(REPLICA_MODULES.at(-1)).toBe(observability);
  expect(PRIMARY_MODULES.filter((m) => m === observability)).toHaveLength(1);
});

import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { Template } from 'aws-cdk-lib/assertions';
import { clientConfig } from '../../core/aws-config';
import { awsEnvFor, MotoServer, startMoto } from '../support/moto';
import { buildEnv } from '../stacks/app-fixture';

/**
 * Each synthesized rule pattern is evaluated by an EventBridge implementation over the wire (moto's
 * rule matcher: the rule gets an SQS target, sample events go through PutEvents), not by a matcher
 * written for this test. Bucket names are CloudFormation expressions in the template; they are
 * replaced by the names the sample events carry.
 */
const PRIMARY = 'blob-dev-storage-123456789012-eu-central-1';
const REPLICA = 'blob-dev-replica-123456789012-us-west-2';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface RuleUnderTest {
  readonly handler: string;
  readonly pattern: Json;
}

function rulesOf(template: Record<string, unknown>, bucket: string): RuleUnderTest[] {
  const resources = (template as { Resources: Record<string, { Type: string; Properties: Record<string, Json> }> }).Resources;
  const out: RuleUnderTest[] = [];
  for (const [, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Events::Rule' || !r.Properties.EventPattern) continue;
    const target = (r.Properties.Targets as Array<{ Arn: { 'Fn::GetAtt': [string, string] } }>)[0]!;
    const fnId = target.Arn['Fn::GetAtt'][0];
    const handlerEnv = resources[fnId]?.Properties.Environment as { Variables?: { POWERTOOLS_SERVICE_NAME?: string } } | undefined;
    const handler = handlerEnv?.Variables?.POWERTOOLS_SERVICE_NAME ?? fnId;
    const pattern = JSON.parse(JSON.stringify(r.Properties.EventPattern)) as { detail?: { bucket?: { name?: Json[] } } };
    if (pattern.detail?.bucket?.name) pattern.detail.bucket.name = [bucket];
    out.push({ handler, pattern: pattern as Json });
  }
  return out;
}

const event = (detailType: string, bucket: string, key: string) => ({
  Source: 'aws.s3',
  DetailType: detailType,
  Detail: JSON.stringify({ version: '0', bucket: { name: bucket }, object: { key, size: 1, 'version-id': 'v1', sequencer: '01' }, reason: 'PutObject' }),
});

const SAMPLES: Array<{ name: string; entry: ReturnType<typeof event>; expect: string[] }> = [
  { name: 'csv upload', entry: event('Object Created', PRIMARY, 'uploads/data.csv'), expect: ['upload-processor', 'audit-recorder'] },
  { name: 'nested csv upload', entry: event('Object Created', PRIMARY, 'uploads/2026-11-25-07/team/x.csv'), expect: ['upload-processor', 'audit-recorder'] },
  { name: 'upper-case extension', entry: event('Object Created', PRIMARY, 'uploads/EXPORT.CSV'), expect: ['upload-processor', 'audit-recorder'] },
  { name: 'csv-like name without the extension', entry: event('Object Created', PRIMARY, 'uploads/data.csv.gz'), expect: ['audit-recorder'] },
  { name: 'json upload', entry: event('Object Created', PRIMARY, 'uploads/data.json'), expect: ['audit-recorder'] },
  { name: 'csv outside uploads/', entry: event('Object Created', PRIMARY, 'reports/uploads/data.csv'), expect: ['audit-recorder'] },
  { name: 'csv deleted', entry: event('Object Deleted', PRIMARY, 'uploads/data.csv'), expect: ['audit-recorder'] },
  { name: 'raw json', entry: event('Object Created', PRIMARY, 'raw-data/2026/a.json'), expect: ['fanout-validate', 'fanout-enrich', 'fanout-index', 'audit-recorder'] },
  { name: 'raw csv', entry: event('Object Created', PRIMARY, 'raw-data/a.csv'), expect: ['audit-recorder'] },
  { name: 'merged output (no loop)', entry: event('Object Created', PRIMARY, 'processed-data/a.json'), expect: ['audit-recorder'] },
  { name: 'restore completed', entry: event('Object Restore Completed', PRIMARY, 'sessions/a.json'), expect: ['audit-recorder'] },
  { name: 'tags added (not audited)', entry: event('Object Tags Added', PRIMARY, 'uploads/data.csv'), expect: [] },
  { name: 'another bucket', entry: event('Object Created', 'someone-else', 'uploads/data.csv'), expect: [] },
  { name: 'critical replica', entry: event('Object Created', REPLICA, 'critical/db.json'), expect: ['replica-processor'] },
  { name: 'non-critical in replica bucket', entry: event('Object Created', REPLICA, 'uploads/data.csv'), expect: [] },
  { name: 'critical in primary (processed in the replica region only)', entry: event('Object Created', PRIMARY, 'critical/db.json'), expect: ['audit-recorder'] },
];

let moto: MotoServer;
let events: EventBridgeClient;
let sqs: SQSClient;
const queues = new Map<string, string>();
const MY_HANDLERS = ['upload-processor', 'fanout-validate', 'fanout-enrich', 'fanout-index', 'audit-recorder', 'replica-processor'];

beforeAll(async () => {
  const { stacks } = buildEnv('dev', { bundle: false });
  const primaryRules = rulesOf(Template.fromStack(stacks.pipelines).toJSON(), PRIMARY);
  const replicaRules = rulesOf(Template.fromStack(stacks.replicaPipelines).toJSON(), REPLICA);
  moto = await startMoto();
  Object.assign(process.env, awsEnvFor(moto.endpoint));
  const cfg = clientConfig({ endpoint: moto.endpoint, region: 'eu-central-1' });
  events = new EventBridgeClient(cfg);
  sqs = new SQSClient(cfg);
  // One default bus stands for both regions: the bucket names keep the regions' rules apart.
  for (const rule of [...primaryRules, ...replicaRules].filter((r) => MY_HANDLERS.includes(r.handler))) {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `rule-${rule.handler}` }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await events.send(new PutRuleCommand({ Name: rule.handler, EventPattern: JSON.stringify(rule.pattern) }));
    await events.send(new PutTargetsCommand({ Rule: rule.handler, Targets: [{ Id: 'q', Arn: arn }] }));
    queues.set(rule.handler, url);
  }
}, 120_000);
afterAll(() => moto?.stop());

test('every pipeline handler of issue 4 has exactly one rule', () => {
  expect([...queues.keys()].sort()).toEqual([...MY_HANDLERS].sort());
});

test.each(SAMPLES)('$name reaches exactly $expect', async ({ entry, expect: expected }) => {
  const res = await events.send(new PutEventsCommand({ Entries: [entry] }));
  expect(res.FailedEntryCount ?? 0).toBe(0);
  const reached: string[] = [];
  for (const [handler, url] of queues) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
    if (got.Messages?.length) {
      reached.push(handler);
      for (const m of got.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  expect(reached.sort()).toEqual([...expected].sort());
});

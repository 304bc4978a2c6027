import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CreateTableCommand, UpdateContinuousBackupsCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { Target } from '@aws-sdk/client-eventbridge';
import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand } from '@aws-sdk/client-kms';
import { GetParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { StackArtifact, TemplateResource } from './provision/assembly';
import { ClientPool, LOCAL_ACCOUNT_ID, RegionClients } from './emulator/clients';
import { Json, evaluateCondition, references, resolve, ResolveContext } from './provision/intrinsics';
import type { ResolvedResource } from './iam/policies';
import { provisionBucket, ReplicationRule } from './s3-provision';

/** Resource types the local copy deliberately does not create (AWS enforces or observes them). */
const NOT_EMULATED: Array<[RegExp, string]> = [
  [/^AWS::IAM::/, 'evaluated by the local gateway, not created in the emulator'],
  [/^AWS::Logs::/, 'function logs go to the local console'],
  [/^AWS::CloudWatch::/, 'no metrics or alarms locally'],
  [/^AWS::(S3::BucketPolicy|SNS::TopicPolicy|SQS::QueuePolicy)$/, 'evaluated by the local gateway, not stored in the emulator'],
  [/^AWS::Lambda::Permission$/, 'checked by the service-edge test (test/iam); the runtime invokes functions itself'],
  [/^AWS::CDK::Metadata$/, 'CDK metadata'],
  [/^AWS::Backup::/, 'moto has no AWS Backup: the plan runs only on AWS (prod); its role and keys are checked by the service-edge test (test/iam)'],
  // dev/staging buckets' Custom::S3AutoDeleteObjects empties a bucket when its stack is deleted.
  [/^Custom::/, 'custom resources act when a stack is deleted or updated; the local copy only creates (a restart starts empty)'],
];

export interface LocalFunction {
  readonly logicalId: string;
  readonly stackName: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly assetDir: string;
  readonly handler: string;
  /** The execution role (its credentials are what the function runs with). */
  readonly roleArn?: string;
  readonly environment: Record<string, string>;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
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

interface Physical {
  readonly type: string;
  readonly ref: string;
  readonly attrs: Record<string, Json>;
}

/** CloudFormation's naming scheme for unnamed resources, made deterministic. */
export function generatedName(stackName: string, logicalId: string, maxLength: number, lowercase = false): string {
  const suffix = createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').slice(0, 10).toUpperCase();
  const base = `${stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
  const name = `${base}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}

/** Tags on each function's local invoke queue. */
export const LOCAL_TAGS = {
  function: 'local:function-name',
  logicalId: 'local:logical-id',
  deadLetterQueueArn: 'local:dead-letter-queue-arn',
} as const;

export const INVOKE_QUEUE_PREFIX = 'local-invoke-';

export function invokeQueueName(functionName: string): string {
  return `${INVOKE_QUEUE_PREFIX}${functionName}`.slice(0, 80);
}

function str(v: Json | undefined): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

function tagList(tags: Json | undefined): Array<{ Key: string; Value: string }> {
  if (Array.isArray(tags)) return tags as Array<{ Key: string; Value: string }>;
  if (tags && typeof tags === 'object') return Object.entries(tags).map(([Key, v]) => ({ Key, Value: String(v) }));
  return [];
}

function isSsmParameterType(type: string): boolean {
  return type.startsWith('AWS::SSM::Parameter::Value<');
}

/**
 * Values of the template's `AWS::SSM::Parameter::Value<…>` parameters, read from the emulator's SSM
 * as CloudFormation reads them at deploy time (the pipelines stacks get the storage key ARN this
 * way). Names nothing has published (CDK's bootstrap version, which no resource refers to) are
 * left out; a Ref to one of them fails in ctx.ref.
 */
async function ssmParameterValues(template: StackArtifact['template'], c: RegionClients): Promise<Map<string, string>> {
  const wanted = Object.entries(template.Parameters ?? {}).filter(([, p]) => isSsmParameterType(p.Type) && typeof p.Default === 'string');
  const values = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 10) {
    const batch = wanted.slice(i, i + 10);
    const res = await c.ssm.send(new GetParametersCommand({ Names: batch.map(([, p]) => p.Default as string) }));
    const byName = new Map((res.Parameters ?? []).map((x) => [x.Name, x.Value]));
    for (const [id, p] of batch) {
      const v = byName.get(p.Default as string);
      if (v !== undefined) values.set(id, v);
    }
  }
  return values;
}

/** Logical ids of the functions named as ServiceToken by the template's custom resources. */
function customResourceProviders(resources: Record<string, TemplateResource>): Set<string> {
  const ids = new Set<string>();
  for (const r of Object.values(resources)) {
    if (!r.Type.startsWith('Custom::') && r.Type !== 'AWS::CloudFormation::CustomResource') continue;
    references(r.Properties?.ServiceToken, ids);
  }
  return ids;
}

/** Orders a template's resources so that each follows everything it refers to. */
function resourceOrder(resources: Record<string, TemplateResource>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`resource dependency cycle at ${id}`);
    state.set(id, 'visiting');
    const r = resources[id] as TemplateResource;
    const deps = references(r.Properties ?? {});
    for (const d of [r.DependsOn ?? []].flat()) deps.add(d);
    for (const d of deps) if (resources[d]) visit(d);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(resources)) visit(id);
  return order;
}

/**
 * Creates every resource of every stack on the emulator with direct API calls, in dependency order,
 * each stack in its own region. moto's CloudFormation is not used: it drops bucket versioning,
 * lifecycle, replication and notification settings and hangs on Custom:: resources.
 */
export async function provision(stacks: StackArtifact[], clients: ClientPool): Promise<Provisioned> {
  const exportsByRegion = new Map<string, Map<string, string>>();
  const result: Provisioned = { stacks: [], functions: [], rules: [], buckets: [], topics: [], notEmulated: [], resources: [] };
  const functionsByArn = new Map<string, LocalFunction>();

  for (const stack of stacks) {
    const template = stack.template;
    const resources = template.Resources ?? {};
    const physical = new Map<string, Physical>();
    const conditionCache = new Map<string, boolean>();
    const c = clients.get(stack.region);
    const exportsHere = exportsByRegion.get(stack.region) ?? new Map<string, string>();
    exportsByRegion.set(stack.region, exportsHere);
    const ssmValues = await ssmParameterValues(template, c);
    const providers = customResourceProviders(resources);

    const ctx: ResolveContext = {
      accountId: LOCAL_ACCOUNT_ID,
      region: stack.region,
      stackName: stack.name,
      ref: (id) => {
        const p = physical.get(id);
        if (p) return p.ref;
        const param = template.Parameters?.[id];
        if (param && isSsmParameterType(param.Type)) {
          const v = ssmValues.get(id);
          if (v === undefined) throw new Error(`${stack.name}: parameter ${id} reads SSM ${str(param.Default)}, which no stack provisioned before it publishes`);
          return v;
        }
        if (param) return str(param.Default) ?? '';
        throw new Error(`${stack.name}: Ref to ${id}, which is not provisioned (yet)`);
      },
      getAtt: (id, attr) => {
        const p = physical.get(id);
        if (!p) throw new Error(`${stack.name}: Fn::GetAtt ${id}.${attr}, but ${id} is not provisioned (yet)`);
        const v = p.attrs[attr];
        if (v === undefined) throw new Error(`${stack.name}: Fn::GetAtt ${id}.${attr} is not supported for ${p.type} locally`);
        return v;
      },
      importValue: (name) => {
        const v = exportsHere.get(name);
        if (v === undefined) throw new Error(`${stack.name}: Fn::ImportValue ${name}: no stack in ${stack.region} exports it`);
        return v;
      },
      condition: (name) => {
        let v = conditionCache.get(name);
        if (v === undefined) {
          const def = template.Conditions?.[name];
          if (def === undefined) throw new Error(`${stack.name}: unknown condition ${name}`);
          v = evaluateCondition(def, ctx);
          conditionCache.set(name, v);
        }
        return v;
      },
    };
    const arn = (service: string, resource: string, region = stack.region) => `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;

    for (const logicalId of resourceOrder(resources)) {
      const res = resources[logicalId] as TemplateResource;
      if (res.Condition && !ctx.condition(res.Condition)) continue;
      const props = (resolve((res.Properties ?? {}) as Json, ctx) ?? {}) as Record<string, Json>;
      const where = `${stack.name}/${logicalId}`;
      const named = (prop: string, max: number, lower = false) => str(props[prop]) ?? generatedName(stack.name, logicalId, max, lower);
      let p: Physical;
      try {
        p = await createResource();
      } catch (err) {
        throw new Error(`provisioning ${where} (${res.Type}) failed: ${(err as Error).message}`, { cause: err });
      }
      physical.set(logicalId, p);
      const resolvedArn = p.attrs.Arn;
      result.resources.push({ stackName: stack.name, region: stack.region, logicalId, type: res.Type, props, ref: p.ref, arn: typeof resolvedArn === 'string' ? resolvedArn : undefined });

      async function createResource(): Promise<Physical> {
        switch (res.Type) {
          case 'AWS::KMS::Key': {
            const key = await c.kms.send(
              new CreateKeyCommand({ Description: str(props.Description), Tags: tagList(props.Tags).map((t) => ({ TagKey: t.Key, TagValue: t.Value })) }),
            );
            const keyId = key.KeyMetadata?.KeyId as string;
            if (props.EnableKeyRotation === true) await c.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
            return { type: res.Type, ref: keyId, attrs: { Arn: key.KeyMetadata?.Arn as string, KeyId: keyId } };
          }
          case 'AWS::KMS::Alias': {
            const name = str(props.AliasName) as string;
            const target = str(props.TargetKeyId) as string;
            await c.kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: target.split('/').pop() }));
            return { type: res.Type, ref: name, attrs: {} };
          }
          case 'AWS::S3::Bucket': {
            const name = named('BucketName', 63, true);
            const bucket = await provisionBucket(c, name, props);
            result.buckets.push({ logicalId, stackName: stack.name, region: stack.region, ...bucket });
            return {
              type: res.Type,
              ref: name,
              attrs: {
                Arn: `arn:aws:s3:::${name}`,
                DomainName: `${name}.s3.amazonaws.com`,
                RegionalDomainName: `${name}.s3.${stack.region}.amazonaws.com`,
                DualStackDomainName: `${name}.s3.dualstack.${stack.region}.amazonaws.com`,
                WebsiteURL: `http://${name}.s3-website.${stack.region}.amazonaws.com`,
              },
            };
          }
          case 'AWS::DynamoDB::Table': {
            const name = named('TableName', 255);
            await createTable(name);
            return { type: res.Type, ref: name, attrs: { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/local`) } };
          }
          case 'AWS::SNS::Topic': {
            const name = named('TopicName', 256);
            const attributes: Record<string, string> = {};
            for (const k of ['DisplayName', 'KmsMasterKeyId', 'FifoTopic', 'ContentBasedDeduplication', 'SignatureVersion', 'TracingConfig']) {
              const v = str(props[k]);
              if (v !== undefined) attributes[k] = v;
            }
            const topic = await c.sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes, Tags: tagList(props.Tags) }));
            const topicArn = topic.TopicArn as string;
            // The runtime prints what every topic publishes (--tail) from this subscribed queue.
            const tail = await createQueue(`local-tail-${name}`.slice(0, 80), {});
            await c.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: tail.arn }));
            result.topics.push({ arn: topicArn, region: stack.region, tailQueueUrl: tail.url });
            return { type: res.Type, ref: topicArn, attrs: { TopicArn: topicArn, TopicName: name } };
          }
          case 'AWS::SNS::Subscription': {
            const protocol = str(props.Protocol) as string;
            if (protocol === 'lambda') {
              result.notEmulated.push(`${where} (${res.Type}, lambda): SNS-to-Lambda subscriptions are not delivered locally`);
            }
            const attributes: Record<string, string> = {};
            for (const k of ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy']) {
              const v = str(props[k]);
              if (v !== undefined) attributes[k] = v;
            }
            const sub = await c.sns.send(
              new SubscribeCommand({ TopicArn: str(props.TopicArn), Protocol: protocol, Endpoint: str(props.Endpoint), Attributes: attributes }),
            );
            return { type: res.Type, ref: sub.SubscriptionArn ?? `${str(props.TopicArn)}:${logicalId}`, attrs: {} };
          }
          case 'AWS::SQS::Queue': {
            const fifo = props.FifoQueue === true;
            const name = str(props.QueueName) ?? `${generatedName(stack.name, logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
            const attributes: Record<string, string> = {};
            for (const k of [
              'VisibilityTimeout',
              'MessageRetentionPeriod',
              'DelaySeconds',
              'ReceiveMessageWaitTimeSeconds',
              'MaximumMessageSize',
              'FifoQueue',
              'ContentBasedDeduplication',
              'KmsMasterKeyId',
              'SqsManagedSseEnabled',
              'RedrivePolicy',
            ]) {
              const v = str(props[k]);
              if (v !== undefined) attributes[k] = v;
            }
            const q = await createQueue(name, attributes, tagList(props.Tags));
            return { type: res.Type, ref: q.url, attrs: { Arn: q.arn, QueueName: name, QueueUrl: q.url } };
          }
          case 'AWS::SSM::Parameter': {
            const name = named('Name', 2048);
            await c.ssm.send(
              new PutParameterCommand({
                Name: name,
                Value: str(props.Value) as string,
                Type: (str(props.Type) ?? 'String') as 'String' | 'StringList',
                Description: str(props.Description),
                Overwrite: true,
              }),
            );
            return { type: res.Type, ref: name, attrs: { Type: str(props.Type) ?? 'String', Value: str(props.Value) as string } };
          }
          case 'AWS::Lambda::Function':
            if (providers.has(logicalId)) {
              // A CDK provider Lambda serves only the Custom:: resources above and has no handler bundle to run.
              result.notEmulated.push(`${where} (${res.Type}): custom-resource provider, invoked only by the Custom:: resources it serves`);
              return { type: res.Type, ref: named('FunctionName', 64), attrs: { Arn: arn('lambda', `function:${named('FunctionName', 64)}`) } };
            }
            return registerFunction();
          case 'AWS::Lambda::EventInvokeConfig': {
            const fn = result.functions.find((f) => f.name === str(props.FunctionName) && f.region === stack.region);
            if (fn && typeof props.MaximumRetryAttempts === 'number') fn.maxRetryAttempts = props.MaximumRetryAttempts;
            return { type: res.Type, ref: `${str(props.FunctionName)}:${str(props.Qualifier)}`, attrs: {} };
          }
          case 'AWS::Events::EventBus': {
            const name = named('Name', 256);
            const bus = await c.events.send(new CreateEventBusCommand({ Name: name }));
            return { type: res.Type, ref: name, attrs: { Arn: bus.EventBusArn as string, Name: name } };
          }
          case 'AWS::Events::Rule':
            return createRule();
          default: {
            const skip = NOT_EMULATED.find(([re]) => re.test(res.Type));
            result.notEmulated.push(`${where} (${res.Type}): ${skip ? skip[1] : 'resource type not emulated by the local copy'}`);
            const name = str(props.RoleName) ?? str(props.Name) ?? generatedName(stack.name, logicalId, 64);
            const service = res.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
            const resourceArn = res.Type === 'AWS::IAM::Role' ? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}` : arn(service, name);
            // A backup plan names its vault by BackupVaultName, a selection its plan by BackupPlanId, a role policy the vault by BackupVaultArn.
            const backupAttrs: Record<string, string> = res.Type === 'AWS::Backup::BackupVault' ? { BackupVaultName: name, BackupVaultArn: resourceArn } : res.Type === 'AWS::Backup::BackupPlan' ? { BackupPlanId: name } : {};
            return { type: res.Type, ref: name, attrs: { Arn: resourceArn, ...backupAttrs } };
          }
        }
      }

      async function createTable(name: string): Promise<void> {
        const sse = props.SSESpecification as Record<string, Json> | undefined;
        const stream = props.StreamSpecification as Record<string, Json> | undefined;
        const gsis = props.GlobalSecondaryIndexes as Array<Record<string, Json>> | undefined;
        const input = {
          TableName: name,
          AttributeDefinitions: props.AttributeDefinitions,
          KeySchema: props.KeySchema,
          BillingMode: str(props.BillingMode) ?? 'PROVISIONED',
          ProvisionedThroughput: props.ProvisionedThroughput,
          GlobalSecondaryIndexes: gsis?.map((g) => ({
            IndexName: g.IndexName,
            KeySchema: g.KeySchema,
            Projection: g.Projection,
            ProvisionedThroughput: g.ProvisionedThroughput,
          })),
          LocalSecondaryIndexes: props.LocalSecondaryIndexes,
          StreamSpecification: stream ? { StreamEnabled: true, StreamViewType: stream.StreamViewType } : undefined,
          SSESpecification: sse
            ? { Enabled: sse.SSEEnabled === true, SSEType: str(sse.SSEType), KMSMasterKeyId: str(sse.KMSMasterKeyId) }
            : undefined,
          DeletionProtectionEnabled: props.DeletionProtectionEnabled === true,
          Tags: tagList(props.Tags).length ? tagList(props.Tags) : undefined,
        } as unknown as CreateTableCommandInput;
        await c.dynamodb.send(new CreateTableCommand(input));
        const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
        if (ttl?.Enabled && ttl.AttributeName) {
          await c.dynamodb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
        }
        const pitr = props.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean } | undefined;
        if (pitr?.PointInTimeRecoveryEnabled) {
          await c.dynamodb.send(
            new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
          );
        }
      }

      async function registerFunction(): Promise<Physical> {
        const name = named('FunctionName', 64);
        const assetPath = str(res.Metadata?.['aws:asset:path']);
        if (!assetPath) throw new Error(`no aws:asset:path metadata: only functions bundled into cdk.out assets run locally`);
        const handler = str(props.Handler) ?? 'index.handler';
        const env = ((props.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
        const fnArn = arn('lambda', `function:${name}`);
        const timeoutSeconds = typeof props.Timeout === 'number' ? props.Timeout : 3;
        // Visible again (a retry) only if the runtime dies mid-invocation; normal retries are explicit.
        const dlqArn = str((props.DeadLetterConfig as { TargetArn?: Json } | undefined)?.TargetArn);
        // Tags let tools/redrive.ts find each function's DLQ on the emulator, over the wire.
        const q = await createQueue(invokeQueueName(name), { VisibilityTimeout: String(timeoutSeconds + 30) }, [
          { Key: LOCAL_TAGS.function, Value: name },
          { Key: LOCAL_TAGS.logicalId, Value: `${stack.name}/${logicalId}` },
          ...(dlqArn?.startsWith('arn:aws:sqs:') ? [{ Key: LOCAL_TAGS.deadLetterQueueArn, Value: dlqArn }] : []),
        ]);
        const fn: LocalFunction = {
          logicalId,
          stackName: stack.name,
          region: stack.region,
          name,
          arn: fnArn,
          assetDir: join(stack.assemblyDir, assetPath),
          handler,
          roleArn: str(props.Role),
          environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, str(v) ?? ''])),
          memoryMb: typeof props.MemorySize === 'number' ? props.MemorySize : 128,
          timeoutSeconds,
          invokeQueueUrl: q.url,
          invokeQueueArn: q.arn,
          maxRetryAttempts: 2,
        };
        if (dlqArn?.startsWith('arn:aws:sqs:')) {
          fn.deadLetterQueueArn = dlqArn;
          fn.deadLetterQueueUrl = queueUrlFromArn(dlqArn);
        } else if (dlqArn) {
          result.notEmulated.push(`${where}: dead-letter target ${dlqArn} is not an SQS queue; only SQS DLQs are supported locally`);
        }
        result.functions.push(fn);
        functionsByArn.set(fnArn, fn);
        return { type: res.Type, ref: name, attrs: { Arn: fnArn } };
      }

      async function createRule(): Promise<Physical> {
        const name = named('Name', 64);
        const busName = str(props.EventBusName);
        const state = str(props.State) ?? 'ENABLED';
        const rule = await c.events.send(
          new PutRuleCommand({
            Name: name,
            EventBusName: busName,
            EventPattern: props.EventPattern ? JSON.stringify(props.EventPattern) : undefined,
            ScheduleExpression: str(props.ScheduleExpression),
            State: state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
            Description: str(props.Description),
          }),
        );
        const fns: LocalFunction[] = [];
        const targets: Target[] = [];
        for (const t of (props.Targets ?? []) as Array<Record<string, Json>>) {
          const targetArn = str(t.Arn) as string;
          const fn = functionsByArn.get(targetArn.split(':').slice(0, 7).join(':'));
          let localArn = targetArn;
          if (fn) {
            // moto's EventBridge cannot invoke Lambda: it matches the pattern and puts the envelope on
            // the function's invoke queue instead, which the local runtime consumes.
            fns.push(fn);
            localArn = fn.invokeQueueArn;
          } else if (!targetArn.startsWith('arn:aws:sqs:') && !targetArn.includes(':events:')) {
            result.notEmulated.push(`${where}: target ${targetArn} is not delivered locally (only Lambda and SQS targets are)`);
            continue;
          }
          targets.push({
            Id: str(t.Id) as string,
            Arn: localArn,
            Input: str(t.Input),
            InputPath: str(t.InputPath),
            InputTransformer: t.InputTransformer as Target['InputTransformer'],
            DeadLetterConfig: t.DeadLetterConfig as Target['DeadLetterConfig'],
            RetryPolicy: t.RetryPolicy as Target['RetryPolicy'],
          });
        }
        if (targets.length) await c.events.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: targets }));
        const ruleArn = rule.RuleArn ?? arn('events', `rule/${name}`);
        result.rules.push({
          logicalId,
          stackName: stack.name,
          region: stack.region,
          name,
          arn: ruleArn,
          schedule: str(props.ScheduleExpression),
          enabled: state !== 'DISABLED',
          functions: fns,
        });
        return { type: res.Type, ref: name, attrs: { Arn: ruleArn } };
      }
    }

    const outputs: Record<string, string> = {};
    for (const [name, out] of Object.entries(template.Outputs ?? {})) {
      if (out.Condition && !ctx.condition(out.Condition)) continue;
      const value = str(resolve(out.Value, ctx)) ?? '';
      outputs[name] = value;
      if (out.Export) exportsHere.set(str(resolve(out.Export.Name, ctx)) as string, value);
    }
    result.stacks.push({
      name: stack.name,
      region: stack.region,
      outputs,
      resources: Object.fromEntries([...physical].map(([id, p]) => [id, { type: p.type, physicalId: p.ref }])),
    });

    async function createQueue(name: string, attributes: Record<string, string>, tags: Array<{ Key: string; Value: string }> = []) {
      const q = await c.sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags: tags.length ? Object.fromEntries(tags.map((t) => [t.Key, t.Value])) : undefined }),
      );
      const url = q.QueueUrl as string;
      const a = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      return { url, arn: a.Attributes?.QueueArn as string };
    }
    function queueUrlFromArn(queueArn: string): string {
      // moto's queue URLs carry account and name; the region comes from the signing client.
      const [, , , , account, name] = queueArn.split(':');
      return `${clients.endpoint}/${account}/${name}`;
    }
  }
  return result;
}

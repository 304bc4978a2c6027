import type { Json } from '../provision/intrinsics';
import type { AuthzRequest, ContextValue, Decision, Principal } from './evaluate';
import { PolicyEvaluator } from './evaluate';
import type { NamedPolicy, PolicyStore, ResolvedResource } from './policies';
import type { TemplateModel } from './template-model';

/**
 * Every service-to-service edge of a synthesized app: calls AWS services make on the app's behalf
 * (an alarm publishing, a rule invoking, S3 replicating, Lambda assuming a role and writing logs…),
 * which the local copy does not execute, so only policy evaluation can prove they will work. Each
 * edge is one request with the principal, aws:SourceArn and aws:SourceAccount AWS sends, evaluated
 * by the same PolicyEvaluator (iam-simulate) as everything else. Edges that involve no policy
 * (S3 → EventBridge default bus, SNS → e-mail) are listed too, with the configuration they need.
 */

export type EdgeCaller =
  | { readonly kind: 'service'; readonly principal: string }
  /** A role the service uses (a function's execution role, the replication role). */
  | { readonly kind: 'role'; readonly roleArn: string };

export interface PolicyEdge {
  readonly type: 'policy';
  /** Unique within an app, e.g. "alarm Blob-dev-Pipelines/UploadProcessor/Errors → topic blob-dev-operations (sns:Publish)". */
  readonly name: string;
  readonly caller: EdgeCaller;
  readonly request: AuthzRequest;
  /** `deny` for least-privilege edges that must stay closed (e.g. s3:ReplicateDelete when delete markers do not replicate). */
  readonly expect: 'allow' | 'deny';
}

/** An edge without a policy decision: what must be configured for it (`problem` when it is not). */
export interface ConfigEdge {
  readonly type: 'config';
  readonly name: string;
  readonly detail: string;
  readonly problem?: string;
}

export type ServiceEdge = PolicyEdge | ConfigEdge;

/** Example names for requests whose resource AWS chooses at run time (object keys, log streams). */
const EXAMPLE_OBJECT = 'edge-check.json';
const EXAMPLE_LOG_STREAM = '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef';
const EXAMPLE_ACCESS_LOG = '2025-01-01-00-00-00-0123456789ABCDEF';

/** Service principals AWS uses for each edge. */
const SERVICE = {
  backup: 'backup.amazonaws.com',
  cloudwatch: 'cloudwatch.amazonaws.com',
  events: 'events.amazonaws.com',
  lambda: 'lambda.amazonaws.com',
  s3: 's3.amazonaws.com',
  s3Logging: 'logging.s3.amazonaws.com',
  sns: 'sns.amazonaws.com',
} as const;

function get(o: Json | undefined, ...path: Array<string | number>): Json | undefined {
  let v: Json | undefined = o;
  for (const p of path) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, Json>)[p];
  }
  return v;
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** Region and service of an ARN. */
function arnParts(arn: string): { service: string; region: string; resource: string } {
  const [, , service = '', region = '', , ...rest] = arn.split(':');
  return { service, region, resource: rest.join(':') };
}

export function enumerateServiceEdges(model: TemplateModel): ServiceEdge[] {
  const account = model.accountId;
  const edges: ServiceEdge[] = [];
  const of = (type: string) => model.resources.filter((r) => r.type === type);
  const byArn = (type: string) => new Map(of(type).map((r) => [r.arn as string, r]));
  const topics = new Map(of('AWS::SNS::Topic').map((r) => [r.ref, r]));
  const queues = byArn('AWS::SQS::Queue');
  const functions = byArn('AWS::Lambda::Function');
  const buckets = new Map(of('AWS::S3::Bucket').map((r) => [r.ref, r]));
  const logGroups = new Map(of('AWS::Logs::LogGroup').map((r) => [r.ref, r]));
  const label = (r: ResolvedResource) => model.label(r);
  const source = (arn: string): Record<string, ContextValue> => ({ 'aws:SourceArn': arn, 'aws:SourceAccount': account });
  // Services call each other over TLS; the TLS-only deny statements must not catch them.
  const tls = { 'aws:SecureTransport': 'true' };

  const policy = (name: string, caller: EdgeCaller, action: string, resource: string, context: Record<string, ContextValue>, expect: 'allow' | 'deny' = 'allow') =>
    edges.push({ type: 'policy', name, caller, request: { action, resource, context }, expect });
  const config = (name: string, detail: string, problem?: string) => edges.push({ type: 'config', name, detail, ...(problem ? { problem } : {}) });
  const service = (principal: string): EdgeCaller => ({ kind: 'service', principal });
  const role = (roleArn: string): EdgeCaller => ({ kind: 'role', roleArn });

  /** The key a topic or queue is encrypted with (AWS-managed keys cannot be granted to other services). */
  const keyOf = (r: ResolvedResource, prop: 'KmsMasterKeyId'): { arn?: string; ref?: string } => {
    const ref = str(r.props[prop]);
    if (!ref) return {};
    return { ref, arn: model.keyArn(r.region, ref) };
  };

  /** A service publishing to a topic: the topic policy, and the key policy when the topic has a CMK (SNS SSE). */
  const publishToTopic = (from: string, caller: EdgeCaller, topicArn: string, context: Record<string, ContextValue>, viaKms: Record<string, ContextValue>) => {
    const topic = topics.get(topicArn);
    if (!topic) return config(`${from} → topic ${topicArn} (sns:Publish)`, 'the topic must be defined by this app', `no AWS::SNS::Topic of this app has ARN ${topicArn}`);
    const topicName = arnParts(topicArn).resource;
    policy(`${from} → topic ${topicName} (sns:Publish)`, caller, 'sns:Publish', topicArn, { ...context, ...tls });
    const key = keyOf(topic, 'KmsMasterKeyId');
    if (!key.ref) return;
    if (!key.arn) return config(`${from} → key of topic ${topicName}`, 'SNS encrypts with the topic key', `key ${key.ref} is not a customer-managed key of this app`);
    const keyLabel = label(model.resources.find((r) => r.arn === key.arn) as ResolvedResource);
    // SNS calls KMS on the publisher's behalf with the topic ARN as encryption context.
    const kmsContext = { ...context, ...viaKms, 'kms:EncryptionContext:aws:sns:topicArn': topicArn };
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      policy(`${from} → key ${keyLabel} of topic ${topicName} (${action})`, caller, action, key.arn, kmsContext);
    }
  };

  /** A service or role sending to a queue (and using its CMK if it has one). */
  const sendToQueue = (name: string, caller: EdgeCaller, queueArn: string, context: Record<string, ContextValue>) => {
    const queue = queues.get(queueArn);
    if (!queue) return config(name, 'the queue must be defined by this app', `no AWS::SQS::Queue of this app has ARN ${queueArn}`);
    policy(name, caller, 'sqs:SendMessage', queueArn, { ...context, ...tls });
    const key = keyOf(queue, 'KmsMasterKeyId');
    if (key.ref && key.ref !== 'alias/aws/sqs') {
      if (!key.arn) return config(`${name}: key`, 'SQS encrypts with the queue key', `key ${key.ref} is not a customer-managed key of this app`);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) policy(`${name.replace(/ \(sqs:SendMessage\)$/, '')} key (${action})`, caller, action, key.arn, context);
    }
  };

  /** Where a destination ARN (DLQ, async destination) is delivered and with which action. */
  const deliverTo = (from: string, caller: EdgeCaller, arn: string, what: string, context: Record<string, ContextValue>) => {
    const { service: svc } = arnParts(arn);
    if (svc === 'sqs') {
      const queue = queues.get(arn);
      return sendToQueue(`${from} → ${what} ${queue ? label(queue) : arn} (sqs:SendMessage)`, caller, arn, context);
    }
    if (svc === 'sns') return publishToTopic(from, caller, arn, context, { 'kms:ViaService': `sns.${arnParts(arn).region}.amazonaws.com` });
    if (svc === 'lambda') return policy(`${from} → ${what} function ${arn} (lambda:InvokeFunction)`, caller, 'lambda:InvokeFunction', arn, context);
    if (svc === 'events') return policy(`${from} → ${what} event bus ${arn} (events:PutEvents)`, caller, 'events:PutEvents', arn, context);
    return config(`${from} → ${what} ${arn}`, 'delivery target', `target service ${svc} is not modelled by the service-edge check`);
  };

  // CloudWatch alarm actions → SNS topics (and the topic key).
  for (const alarm of of('AWS::CloudWatch::Alarm')) {
    const actions = new Set([...list(alarm.props.AlarmActions), ...list(alarm.props.OKActions), ...list(alarm.props.InsufficientDataActions)].map(String));
    for (const action of actions) {
      const from = `alarm ${label(alarm)}`;
      if (arnParts(action).service !== 'sns') {
        config(`${from} → ${action}`, 'alarm action', 'only SNS alarm actions are modelled');
        continue;
      }
      publishToTopic(from, service(SERVICE.cloudwatch), action, source(alarm.arn as string), {});
    }
  }

  // EventBridge rules → targets, and each target's dead-letter queue.
  for (const rule of of('AWS::Events::Rule')) {
    const from = `rule ${label(rule)}`;
    const ruleSource = source(rule.arn as string);
    for (const target of list(rule.props.Targets)) {
      const arn = String(get(target, 'Arn'));
      const roleArn = str(get(target, 'RoleArn'));
      const fn = functions.get(arn.split(':').slice(0, 7).join(':'));
      if (roleArn) {
        // The target is called with the role, which EventBridge assumes first.
        policy(`${from} → role ${roleArn} (sts:AssumeRole)`, service(SERVICE.events), 'sts:AssumeRole', roleArn, ruleSource);
        deliverTo(from, role(roleArn), arn, 'target', {});
      } else if (fn) {
        policy(`${from} → function ${label(fn)} (lambda:InvokeFunction)`, service(SERVICE.events), 'lambda:InvokeFunction', arn, ruleSource);
      } else {
        deliverTo(from, service(SERVICE.events), arn, 'target', ruleSource);
      }
      const dlq = str(get(target, 'DeadLetterConfig', 'Arn'));
      if (dlq) deliverTo(from, service(SERVICE.events), dlq, 'dead-letter queue', ruleSource);
    }
  }

  // Lambda: assumes each function's role, writes its logs (and traces), delivers failed async events.
  const invokeConfigs = of('AWS::Lambda::EventInvokeConfig');
  for (const fn of functions.values()) {
    const from = `function ${label(fn)}`;
    const roleArn = String(fn.props.Role);
    const fnRole = role(roleArn);
    policy(`lambda → role of ${from} (sts:AssumeRole)`, service(SERVICE.lambda), 'sts:AssumeRole', roleArn, source(fn.arn as string));
    const logGroup = str(get(fn.props.LoggingConfig, 'LogGroup')) ?? `/aws/lambda/${fn.ref}`;
    const groupArn = `arn:aws:logs:${fn.region}:${account}:log-group:${logGroup}`;
    // AWS authorizes both calls against the stream ARN (what its AccessDenied messages name).
    const streamArn = `${groupArn}:log-stream:${EXAMPLE_LOG_STREAM}`;
    const lg = logGroups.get(logGroup);
    const lgLabel = lg ? label(lg) : logGroup;
    if (!lg) policy(`${from} → log group ${lgLabel} (logs:CreateLogGroup)`, fnRole, 'logs:CreateLogGroup', `${groupArn}:log-stream:`, {});
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) policy(`${from} → log group ${lgLabel} (${action})`, fnRole, action, streamArn, {});
    if (get(fn.props.TracingConfig, 'Mode') === 'Active') {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) policy(`${from} → X-Ray (${action})`, fnRole, action, '*', {});
    }
    const dlq = str(get(fn.props.DeadLetterConfig, 'TargetArn'));
    if (dlq) deliverTo(`${from} async failure`, fnRole, dlq, 'dead-letter queue', {});
    for (const ic of invokeConfigs) {
      if (ic.props.FunctionName !== fn.ref && ic.props.FunctionName !== fn.arn) continue;
      for (const when of ['OnFailure', 'OnSuccess'] as const) {
        const dest = str(get(ic.props.DestinationConfig, when, 'Destination'));
        if (dest) deliverTo(`${from} async ${when === 'OnFailure' ? 'failure' : 'success'}`, fnRole, dest, 'destination', {});
      }
    }
  }

  // S3: replication, server access logs, EventBridge notifications.
  for (const bucket of buckets.values()) {
    const bucketArn = bucket.arn as string;
    const repl = bucket.props.ReplicationConfiguration;
    if (repl) {
      const roleArn = String(get(repl, 'Role'));
      const replRole = role(roleArn);
      const roleName = roleArn.split('/').pop() as string;
      policy(`s3 → replication role ${roleName} of ${bucket.ref} (sts:AssumeRole)`, service(SERVICE.s3), 'sts:AssumeRole', roleArn, source(bucketArn));
      for (const rule of list(get(repl, 'Rules'))) {
        if (get(rule, 'Status') !== 'Enabled') continue;
        const id = str(get(rule, 'Id')) ?? '(unnamed)';
        const from = `replication ${bucket.ref} rule ${id}`;
        const prefix = str(get(rule, 'Filter', 'Prefix')) ?? str(get(rule, 'Filter', 'And', 'Prefix')) ?? str(get(rule, 'Prefix')) ?? '';
        const sourceObject = `${bucketArn}/${prefix}${EXAMPLE_OBJECT}`;
        const destArn = String(get(rule, 'Destination', 'Bucket'));
        const destName = destArn.replace('arn:aws:s3:::', '');
        const dest = buckets.get(destName);
        const destObject = `${destArn}/${prefix}${EXAMPLE_OBJECT}`;
        for (const action of ['s3:GetReplicationConfiguration', 's3:ListBucket']) {
          policy(`${from}: role → source bucket ${bucket.ref} (${action})`, replRole, action, bucketArn, tls);
        }
        for (const action of ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging']) {
          policy(`${from}: role → source objects ${prefix}* (${action})`, replRole, action, sourceObject, tls);
        }
        for (const action of ['s3:ReplicateObject', 's3:ReplicateTags']) {
          policy(`${from}: role → destination objects ${destName}/${prefix}* (${action})`, replRole, action, destObject, tls);
        }
        // Delete markers replicate only when the rule says so; otherwise the role must not be able to.
        const deletes = get(rule, 'DeleteMarkerReplication', 'Status') === 'Enabled';
        policy(
          `${from}: role → destination objects ${destName}/${prefix}* (s3:ReplicateDelete ${deletes ? 'allowed: delete markers replicate' : 'denied: delete markers do not replicate'})`,
          replRole,
          's3:ReplicateDelete',
          destObject,
          tls,
          deletes ? 'allow' : 'deny',
        );
        // With S3 Bucket Keys, S3 asks KMS with the bucket ARN as encryption context, else the object ARN.
        const s3Context = (b: ResolvedResource | undefined, bArn: string, objectArn: string) =>
          get(b?.props.BucketEncryption, 'ServerSideEncryptionConfiguration', 0, 'BucketKeyEnabled') === true ? bArn : objectArn;
        const sourceKeyRef = str(get(bucket.props.BucketEncryption, 'ServerSideEncryptionConfiguration', 0, 'ServerSideEncryptionByDefault', 'KMSMasterKeyID'));
        if (sourceKeyRef && get(rule, 'SourceSelectionCriteria', 'SseKmsEncryptedObjects', 'Status') === 'Enabled') {
          const keyArn = model.keyArn(bucket.region, sourceKeyRef);
          if (!keyArn) config(`${from}: role → source key (kms:Decrypt)`, 'S3 decrypts source objects with the source key', `key ${sourceKeyRef} is not a key of this app`);
          else
            policy(`${from}: role → source key ${label(model.resources.find((r) => r.arn === keyArn) as ResolvedResource)} (kms:Decrypt)`, replRole, 'kms:Decrypt', keyArn, {
              'kms:ViaService': `s3.${bucket.region}.amazonaws.com`,
              'kms:EncryptionContext:aws:s3:arn': s3Context(bucket, bucketArn, sourceObject),
            });
        }
        const destKeyRef = str(get(rule, 'Destination', 'EncryptionConfiguration', 'ReplicaKmsKeyID'));
        if (destKeyRef) {
          const destRegion = dest?.region ?? arnParts(destKeyRef).region;
          const keyArn = model.keyArn(destRegion, destKeyRef);
          if (!keyArn || !dest) {
            config(`${from}: role → destination key`, 'S3 encrypts replicas with the destination key', `destination bucket ${destName} or key ${destKeyRef} is not defined by this app`);
          } else {
            const keyLabel = label(model.resources.find((r) => r.arn === keyArn) as ResolvedResource);
            for (const action of ['kms:Encrypt', 'kms:GenerateDataKey']) {
              policy(`${from}: role → destination key ${keyLabel} (${action})`, replRole, action, keyArn, {
                'kms:ViaService': `s3.${destRegion}.amazonaws.com`,
                'kms:EncryptionContext:aws:s3:arn': s3Context(dest, destArn, destObject),
              });
            }
          }
        }
      }
    }

    const logTarget = str(get(bucket.props.LoggingConfiguration, 'DestinationBucketName'));
    if (logTarget) {
      const prefix = str(get(bucket.props.LoggingConfiguration, 'LogFilePrefix')) ?? '';
      policy(
        `s3 server access logs of ${bucket.ref} → bucket ${logTarget} (s3:PutObject)`,
        service(SERVICE.s3Logging),
        's3:PutObject',
        `arn:aws:s3:::${logTarget}/${prefix}${EXAMPLE_ACCESS_LOG}`,
        { ...source(bucketArn), ...tls },
      );
    }

    const notifications = bucket.props.NotificationConfiguration;
    if (get(notifications, 'EventBridgeConfiguration', 'EventBridgeEnabled') === true) {
      config(`bucket ${bucket.ref} → EventBridge default bus of ${bucket.region} (no policy involved)`, 'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled is true; AWS needs no policy for the default bus');
    }
    for (const kind of ['LambdaConfigurations', 'QueueConfigurations', 'TopicConfigurations']) {
      if (list(get(notifications, kind)).length) config(`bucket ${bucket.ref} ${kind}`, 'S3 notification', `${kind} are not modelled by the service-edge check`);
    }
  }

  // AWS Backup: assumes each selection's role, which has DynamoDB read the selected tables (their
  // key) and write the recovery point into the plan's vault (the vault key), KMS through DynamoDB.
  const tables = byArn('AWS::DynamoDB::Table');
  const plans = new Map(of('AWS::Backup::BackupPlan').map((r) => [r.ref, r]));
  // Vault names are regional: prod has one of the same name in each region.
  const vaults = new Map(of('AWS::Backup::BackupVault').map((r) => [`${r.region}|${r.ref}`, r]));
  for (const selection of of('AWS::Backup::BackupSelection')) {
    const from = `backup selection ${label(selection)}`;
    const roleArn = String(get(selection.props.BackupSelection, 'IamRoleArn'));
    const backupRole = role(roleArn);
    const viaDynamoDb = { 'kms:ViaService': `dynamodb.${selection.region}.amazonaws.com` };
    policy(`backup → role of ${from} (sts:AssumeRole)`, service(SERVICE.backup), 'sts:AssumeRole', roleArn, {});
    const useKey = (whose: string, keyRef: string | undefined, actions: readonly string[]) => {
      const keyArn = keyRef ? model.keyArn(selection.region, keyRef) : undefined;
      if (!keyArn) return config(`${from}: role → key of ${whose}`, 'DynamoDB uses the key on the role’s behalf', `key ${keyRef ?? '(none)'} is not a customer-managed key of this app`);
      const keyLabel = label(model.resources.find((r) => r.arn === keyArn) as ResolvedResource);
      for (const action of actions) {
        // AWS Backup and DynamoDB hold grants for the job's duration; a grant for an AWS service only.
        const context = action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : viaDynamoDb;
        policy(`${from}: role → key ${keyLabel} of ${whose} (${action})`, backupRole, action, keyArn, context);
      }
    };
    for (const tableArn of list(get(selection.props.BackupSelection, 'Resources')).map(String)) {
      const table = tables.get(tableArn);
      if (!table) {
        config(`${from} → ${tableArn}`, 'a selected resource', `no AWS::DynamoDB::Table of this app has ARN ${tableArn}`);
        continue;
      }
      for (const action of ['dynamodb:DescribeTable', 'dynamodb:StartAwsBackupJob']) policy(`${from}: role → table ${table.ref} (${action})`, backupRole, action, tableArn, tls);
      useKey(`table ${table.ref}`, str(get(table.props.SSESpecification, 'KMSMasterKeyId')), ['kms:Decrypt']);
    }
    const plan = plans.get(String(selection.props.BackupPlanId));
    for (const rule of list(get(plan?.props.BackupPlan, 'BackupPlanRule'))) {
      const vault = vaults.get(`${selection.region}|${String(get(rule, 'TargetBackupVault'))}`);
      if (!vault) {
        config(`${from} → vault ${String(get(rule, 'TargetBackupVault'))}`, 'the plan rule’s target vault', 'no AWS::Backup::BackupVault of this app has that name');
        continue;
      }
      useKey(`vault ${vault.ref}`, str(vault.props.EncryptionKeyArn), ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:CreateGrant']);
    }
  }

  // SNS subscriptions.
  for (const sub of of('AWS::SNS::Subscription')) {
    const topicArn = String(sub.props.TopicArn);
    const topicName = arnParts(topicArn).resource;
    const protocol = String(sub.props.Protocol);
    const from = `topic ${topicName}`;
    if (protocol === 'email' || protocol === 'email-json') {
      const endpoint = str(sub.props.Endpoint);
      config(`${from} → ${protocol} subscription ${label(sub)} (no policy involved)`, `SNS delivers to ${endpoint}; the address confirms the subscription`, endpoint ? undefined : 'no Endpoint');
    } else if (protocol === 'sqs') {
      deliverTo(from, service(SERVICE.sns), String(sub.props.Endpoint), 'subscribed queue', source(topicArn));
    } else if (protocol === 'lambda') {
      deliverTo(from, service(SERVICE.sns), String(sub.props.Endpoint), 'subscribed', source(topicArn));
    } else {
      config(`${from} → ${protocol} subscription ${label(sub)}`, 'SNS subscription', `protocol ${protocol} is not modelled by the service-edge check`);
    }
  }

  // Custom resources: CloudFormation invokes the provider with the deploying role (no resource policy).
  for (const cr of model.resources.filter((r) => r.type.startsWith('Custom::') || r.type === 'AWS::CloudFormation::CustomResource')) {
    const token = String(cr.props.ServiceToken);
    const provider = functions.get(token);
    config(
      `cloudformation → custom resource ${label(cr)} provider (no resource policy: invoked with the deploying role)`,
      `ServiceToken ${token}`,
      provider ? undefined : 'the ServiceToken is not a function of this app',
    );
    if (cr.type === 'Custom::S3AutoDeleteObjects' && provider) {
      // CDK's auto-delete handler checks the bucket's tag, lists versions and deletes them.
      const bucketName = String(cr.props.BucketName);
      const providerRole = role(String(provider.props.Role));
      const from = `custom resource ${label(cr)}: provider role → bucket ${bucketName}`;
      for (const action of ['s3:GetBucketTagging', 's3:ListBucketVersions']) policy(`${from} (${action})`, providerRole, action, `arn:aws:s3:::${bucketName}`, tls);
      policy(`${from} objects (s3:DeleteObjectVersion)`, providerRole, 's3:DeleteObjectVersion', `arn:aws:s3:::${bucketName}/${EXAMPLE_OBJECT}`, tls);
    }
  }

  return edges;
}

/** The principal of an edge's caller, with its identity policies as the store has them. */
export function edgePrincipal(store: PolicyStore, caller: EdgeCaller): Principal {
  if (caller.kind === 'service') return { arn: caller.principal, kind: 'service', identityPolicies: [] };
  const role = store.roles.get(caller.roleArn);
  const name = caller.roleArn.split('/').pop() as string;
  return {
    arn: `arn:aws:sts::${store.accountId}:assumed-role/${name}/service-edge`,
    kind: 'assumed-role',
    roleArn: caller.roleArn,
    identityPolicies: role?.policies ?? [],
  };
}

export function evaluateEdge(store: PolicyStore, edge: PolicyEdge): Promise<Decision> {
  return new PolicyEvaluator(store).evaluate(edgePrincipal(store, edge.caller), edge.request);
}

/** A copy of the store without one statement of one policy (the store's own NamedPolicy object). */
export function withoutStatement(store: PolicyStore, target: NamedPolicy, statement: number): PolicyStore {
  const strip = (p: NamedPolicy): NamedPolicy =>
    p === target ? { ...p, document: { ...p.document, Statement: p.document.Statement.filter((_, i) => i !== statement) } } : p;
  return {
    ...store,
    roles: new Map([...store.roles].map(([arn, r]) => [arn, { ...r, trust: r.trust === target.document ? strip(target).document : r.trust, policies: r.policies.map(strip) }])),
    resourcePolicies: new Map([...store.resourcePolicies].map(([arn, ps]) => [arn, ps.map(strip)])),
  };
}

import type { ContextValue } from '../evaluate';
import type { ResolvedResource } from '../policies';
import type { TemplateModel } from '../template-model';
import { arnParts, str } from './json';
import type { EdgeCaller, ServiceEdge } from './types';

/** Example names for requests whose resource AWS chooses at run time (object keys, log streams). */
export const EXAMPLE_OBJECT = 'edge-check.json';
export const EXAMPLE_LOG_STREAM = '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef';
export const EXAMPLE_ACCESS_LOG = '2025-01-01-00-00-00-0123456789ABCDEF';

/** Service principals AWS uses for each edge. */
export const SERVICE = {
  backup: 'backup.amazonaws.com',
  cloudwatch: 'cloudwatch.amazonaws.com',
  events: 'events.amazonaws.com',
  lambda: 'lambda.amazonaws.com',
  s3: 's3.amazonaws.com',
  s3Logging: 'logging.s3.amazonaws.com',
  sns: 'sns.amazonaws.com',
} as const;

/**
 * The edges of one app as they are enumerated: lookups over the template model, the two kinds of
 * edge, and the deliveries several services share (to a topic, to a queue, to any destination ARN).
 */
export function edgeSet(model: TemplateModel) {
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

  return { model, account, edges, of, byArn, topics, queues, functions, buckets, logGroups, label, source, tls, policy, config, service, role, keyOf, publishToTopic, sendToQueue, deliverTo };
}

export type EdgeSet = ReturnType<typeof edgeSet>;

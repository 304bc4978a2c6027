import type { AuthzRequest } from '../evaluate';
import { sqsChecks } from './json-services';
import { IncomingCall, MapContext, MappedCall, viaService } from './types';

/**
 * AWS query-protocol services (form-encoded `Action=…`): SNS, SQS (older clients and the AWS CLI),
 * CloudFormation and any other; STS is answered by the gateway itself.
 */

export function formParams(call: IncomingCall): Map<string, string> {
  const params = new Map<string, string>(call.query);
  const type = String(call.headers['content-type'] ?? '');
  if (call.body?.length && type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(call.body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

function snsChecks(operation: string, p: Map<string, string>, call: IncomingCall, ctx: MapContext): AuthzRequest[] {
  const account = ctx.directory.accountId;
  const subscriptionTopic = p.get('SubscriptionArn')?.split(':').slice(0, 6).join(':');
  const topic = p.get('TopicArn') ?? p.get('TargetArn') ?? p.get('ResourceArn') ?? subscriptionTopic ?? (p.get('Name') ? `arn:aws:sns:${call.region}:${account}:${p.get('Name')}` : undefined);
  const action = `sns:${operation === 'PublishBatch' ? 'Publish' : operation}`;
  const subscribe = operation === 'Subscribe' ? { ...(p.get('Protocol') ? { 'sns:Protocol': p.get('Protocol') as string } : {}), ...(p.get('Endpoint') ? { 'sns:Endpoint': p.get('Endpoint') as string } : {}) } : {};
  const checks: AuthzRequest[] = [{ action, resource: topic ?? '*', context: { ...ctx.common, ...subscribe } }];
  if ((operation === 'Publish' || operation === 'PublishBatch') && topic) {
    // Publishing to a topic encrypted with a customer-managed key: SNS uses the key for the publisher.
    const key = ctx.directory.topicKey(topic);
    if (key) checks.push(viaService('kms:GenerateDataKey', key, 'sns', call.region, ctx), viaService('kms:Decrypt', key, 'sns', call.region, ctx));
  }
  return checks;
}

export function mapQueryService(call: IncomingCall, ctx: MapContext): MappedCall {
  const p = formParams(call);
  const operation = p.get('Action') ?? '';
  switch (call.service) {
    case 'sns':
      return { operation, checks: snsChecks(operation, p, call, ctx) };
    case 'sqs':
      return { operation, checks: sqsChecks(operation, Object.fromEntries(p), call.region, ctx, call.path) };
    default:
      return { operation, checks: [{ action: `${call.service}:${operation}`, resource: '*', context: { ...ctx.common } }] };
  }
}

import type { AuthzRequest } from '../evaluate';
import { IncomingCall, MapContext, MappedCall, header } from './types';

/**
 * AWS JSON-protocol services other than DynamoDB (KMS, SSM, EventBridge, SQS, CloudWatch Logs, and
 * any other with an X-Amz-Target): the operation names the action; the resource comes from the
 * operation's identifying parameter.
 */

type Body = Record<string, unknown>;

/** IAM prefix of a signing name where the two differ. */
const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch', email: 'ses' };

/** Batch operations authorized as their single-message action. */
const SQS_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

export function sqsQueueArn(region: string, account: string, queueUrlOrName: string): string {
  const parts = queueUrlOrName.split('/');
  const name = parts.pop() as string;
  const acct = parts.length && /^\d{12}$/.test(parts[parts.length - 1] as string) ? (parts[parts.length - 1] as string) : account;
  return `arn:aws:sqs:${region}:${acct}:${name}`;
}

export function sqsChecks(operation: string, params: Record<string, unknown>, region: string, ctx: MapContext): AuthzRequest[] {
  const action = `sqs:${SQS_ACTIONS[operation] ?? operation}`;
  const q = typeof params.QueueUrl === 'string' ? params.QueueUrl : typeof params.QueueName === 'string' ? params.QueueName : undefined;
  return [{ action, resource: q ? sqsQueueArn(region, ctx.directory.accountId, q) : '*', context: { ...ctx.common } }];
}

function ssmParameterArn(region: string, account: string, name: string): string {
  return `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`;
}

export function mapJsonService(call: IncomingCall, ctx: MapContext): MappedCall {
  const operation = (header(call, 'x-amz-target') ?? '').split('.').pop() ?? '';
  let body: Body = {};
  try {
    body = JSON.parse(call.body?.toString('utf8') || '{}') as Body;
  } catch {
    /* authorized on the operation alone; the service answers the malformed body itself */
  }
  const account = ctx.directory.accountId;
  const r = call.region;
  const one = (action: string, resource: string, extra: Record<string, string | string[]> = {}): MappedCall => ({
    operation,
    checks: [{ action, resource, context: { ...ctx.common, ...extra } }],
  });
  switch (call.service) {
    case 'kms': {
      const keyId = typeof body.KeyId === 'string' ? body.KeyId : typeof body.TargetKeyId === 'string' ? body.TargetKeyId : undefined;
      const resource = keyId ? ctx.directory.keyArn(r, keyId) ?? (keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${r}:${account}:key/${keyId}`) : '*';
      // Direct calls: no kms:ViaService (that key is only present when a service calls for the caller).
      return one(`kms:${operation}`, resource, { 'kms:CallerAccount': account });
    }
    case 'ssm': {
      const names = Array.isArray(body.Names) ? (body.Names as string[]) : typeof body.Name === 'string' ? [body.Name] : typeof body.Path === 'string' ? [body.Path] : [];
      if (!names.length) return one(`ssm:${operation}`, '*');
      return { operation, checks: names.map((n) => ({ action: `ssm:${operation}`, resource: ssmParameterArn(r, account, n), context: { ...ctx.common } })) };
    }
    case 'events': {
      if (operation === 'PutEvents') {
        const entries = (body.Entries ?? []) as Array<{ EventBusName?: string; Source?: string; DetailType?: string }>;
        return {
          operation,
          checks: entries.map((e) => {
            const bus = e.EventBusName ?? 'default';
            return {
              action: 'events:PutEvents',
              resource: bus.startsWith('arn:') ? bus : `arn:aws:events:${r}:${account}:event-bus/${bus}`,
              context: { ...ctx.common, ...(e.Source ? { 'events:source': e.Source } : {}), ...(e.DetailType ? { 'events:detail-type': e.DetailType } : {}) },
            };
          }),
        };
      }
      const rule = typeof body.Rule === 'string' ? body.Rule : typeof body.Name === 'string' && /Rule/.test(operation) ? body.Name : undefined;
      const bus = typeof body.EventBusName === 'string' && body.EventBusName !== 'default' ? `${body.EventBusName}/` : '';
      return one(`events:${operation}`, rule ? `arn:aws:events:${r}:${account}:rule/${bus}${rule}` : '*');
    }
    case 'sqs':
      return { operation, checks: sqsChecks(operation, body, r, ctx) };
    case 'logs': {
      const group = typeof body.logGroupName === 'string' ? body.logGroupName : undefined;
      const stream = typeof body.logStreamName === 'string' ? `:log-stream:${body.logStreamName}` : ':*';
      return one(`logs:${operation}`, group ? `arn:aws:logs:${r}:${account}:log-group:${group}${stream}` : '*');
    }
    default:
      return one(`${IAM_PREFIX[call.service] ?? call.service}:${operation}`, '*');
  }
}

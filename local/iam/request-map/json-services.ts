import type { AuthzRequest } from '../evaluate';
import { IncomingCall, MapContext, MappedCall, jsonCall } from './types';

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

/**
 * `path` is the request path: the query protocol may address a queue by posting to its URL's path
 * (`/123456789012/name`) instead of a QueueUrl parameter.
 */
export function sqsChecks(operation: string, params: Record<string, unknown>, region: string, ctx: MapContext, path = '/'): AuthzRequest[] {
  const action = `sqs:${SQS_ACTIONS[operation] ?? operation}`;
  const byPath = /^\/\d{12}\/[^/]+$/.test(path) ? path : undefined;
  const q = typeof params.QueueUrl === 'string' ? params.QueueUrl : typeof params.QueueName === 'string' ? params.QueueName : byPath;
  return [{ action, resource: q ? sqsQueueArn(region, ctx.directory.accountId, q) : '*', context: { ...ctx.common } }];
}

/**
 * A parameter name as requests give it → its ARN: the leading slash is not doubled, a full ARN is
 * kept, and a version or label selector (`name:3`, `name:prod`) is not part of the resource.
 */
export function ssmParameterArn(region: string, account: string, name: string): string {
  if (name.startsWith('arn:')) return name.split(':').slice(0, 6).join(':');
  return `arn:aws:ssm:${region}:${account}:parameter/${name.split(':')[0]?.replace(/^\//, '')}`;
}

/** Encryption-context and alias condition keys a direct KMS call carries. */
function kmsRequestContext(body: Body, keyId: string | undefined, account: string): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = { 'kms:CallerAccount': account };
  const ec = body.EncryptionContext && typeof body.EncryptionContext === 'object' ? (body.EncryptionContext as Record<string, string>) : undefined;
  if (ec) {
    ctx['kms:EncryptionContextKeys'] = Object.keys(ec);
    for (const [k, v] of Object.entries(ec)) ctx[`kms:EncryptionContext:${k}`] = String(v);
  }
  if (typeof body.EncryptionAlgorithm === 'string') ctx['kms:EncryptionAlgorithm'] = body.EncryptionAlgorithm;
  const alias = keyId?.startsWith('alias/') ? keyId : keyId?.includes(':alias/') ? keyId.slice(keyId.indexOf('alias/')) : undefined;
  if (alias) ctx['kms:RequestAlias'] = alias;
  return ctx;
}

/** KeyId (id, key ARN, alias name, alias ARN) → the key ARN; an unknown alias keeps its alias ARN. */
function kmsKeyArn(keyId: string, region: string, ctx: MapContext): string {
  const known = ctx.directory.keyArn(region, keyId);
  if (known) return known;
  if (keyId.startsWith('arn:')) return keyId;
  return `arn:aws:kms:${region}:${ctx.directory.accountId}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
}

/**
 * Decrypt and ReEncrypt of symmetric ciphertext may omit the key: the ciphertext names it. The
 * emulator (moto) writes the 36-character key id first in the blob; anything else stays '*'.
 */
function keyIdInCiphertext(blob: unknown): string | undefined {
  if (typeof blob !== 'string') return undefined;
  const id = Buffer.from(blob, 'base64').subarray(0, 36).toString('latin1');
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) ? id : undefined;
}

function kmsChecks(operation: string, body: Body, region: string, ctx: MapContext): AuthzRequest[] {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const check = (action: string, keyId: string | undefined): AuthzRequest => ({
    action,
    resource: keyId ? kmsKeyArn(keyId, region, ctx) : '*',
    // Direct calls: no kms:ViaService (that key is only present when a service calls for the caller).
    // kms:CallerAccount and the request's keys qualify operations on a key, not account-wide listings.
    context: { ...ctx.common, ...(keyId ? kmsRequestContext(body, keyId, ctx.directory.accountId) : {}) },
  });
  switch (operation) {
    case 'Decrypt':
      return [check('kms:Decrypt', str('KeyId') ?? keyIdInCiphertext(body.CiphertextBlob))];
    case 'ReEncrypt': {
      // There is no kms:ReEncrypt action: the source key is authorized for ReEncryptFrom, the destination for ReEncryptTo.
      const from = str('SourceKeyId') ?? keyIdInCiphertext(body.CiphertextBlob);
      return [check('kms:ReEncryptFrom', from), check('kms:ReEncryptTo', str('DestinationKeyId'))];
    }
    case 'CreateAlias':
    case 'UpdateAlias':
    case 'DeleteAlias': {
      // Alias operations are authorized on the alias and on the key it points to.
      const alias = str('AliasName');
      const aliasCheck = { ...check(`kms:${operation}`, undefined), resource: alias ? `arn:aws:kms:${region}:${ctx.directory.accountId}:${alias}` : '*' };
      const target = str('TargetKeyId') ?? (alias ? ctx.directory.keyArn(region, alias) : undefined);
      return target ? [aliasCheck, check(`kms:${operation}`, target)] : [aliasCheck];
    }
    default:
      return [check(`kms:${operation}`, str('KeyId') ?? str('TargetKeyId'))];
  }
}

function eventBusName(bus: string): string {
  return bus.startsWith('arn:') ? (bus.split(':event-bus/')[1] ?? bus) : bus;
}

export function mapJsonService(call: IncomingCall, ctx: MapContext): MappedCall {
  const { operation, body } = jsonCall(call) as { operation: string; body: Body };
  const account = ctx.directory.accountId;
  const r = call.region;
  const one = (action: string, resource: string, extra: Record<string, string | string[]> = {}): MappedCall => ({
    operation,
    checks: [{ action, resource, context: { ...ctx.common, ...extra } }],
  });
  switch (call.service) {
    case 'kms':
      return { operation, checks: kmsChecks(operation, body, r, ctx) };
    case 'ssm': {
      const names = Array.isArray(body.Names) ? (body.Names as string[]) : typeof body.Name === 'string' ? [body.Name] : typeof body.Path === 'string' ? [body.Path] : [];
      const tagged = body.ResourceType === 'Parameter' && typeof body.ResourceId === 'string' ? [body.ResourceId] : [];
      const all = [...names, ...tagged];
      const extra: Record<string, string> = typeof body.Recursive === 'boolean' ? { 'ssm:Recursive': String(body.Recursive) } : {};
      if (!all.length) return one(`ssm:${operation}`, '*');
      return { operation, checks: all.map((n) => ({ action: `ssm:${operation}`, resource: ssmParameterArn(r, account, n), context: { ...ctx.common, ...extra } })) };
    }
    case 'events': {
      if (operation === 'PutEvents') {
        const entries = (body.Entries ?? []) as Array<{ EventBusName?: string; Source?: string; DetailType?: string }>;
        return {
          operation,
          checks: entries.map((e) => {
            const bus = e.EventBusName || 'default';
            return {
              action: 'events:PutEvents',
              resource: bus.startsWith('arn:') ? bus : `arn:aws:events:${r}:${account}:event-bus/${bus}`,
              context: { ...ctx.common, ...(e.Source ? { 'events:source': e.Source } : {}), ...(e.DetailType ? { 'events:detail-type': e.DetailType } : {}) },
            };
          }),
        };
      }
      const rule = typeof body.Rule === 'string' ? body.Rule : typeof body.Name === 'string' && /Rule/.test(operation) ? body.Name : undefined;
      // Rules on a custom bus are `rule/<bus>/<name>`; EventBusName may be the bus's name or ARN.
      const busName = typeof body.EventBusName === 'string' ? eventBusName(body.EventBusName) : 'default';
      const bus = busName && busName !== 'default' ? `${busName}/` : '';
      return one(`events:${operation}`, rule ? `arn:aws:events:${r}:${account}:rule/${bus}${rule}` : '*');
    }
    case 'sqs':
      return { operation, checks: sqsChecks(operation, body, r, ctx, call.path) };
    case 'logs': {
      const group = typeof body.logGroupName === 'string' ? body.logGroupName : undefined;
      const stream = typeof body.logStreamName === 'string' ? `:log-stream:${body.logStreamName}` : ':*';
      return one(`logs:${operation}`, group ? `arn:aws:logs:${r}:${account}:log-group:${group}${stream}` : '*');
    }
    default:
      return one(`${IAM_PREFIX[call.service] ?? call.service}:${operation}`, '*');
  }
}

import type { IncomingHttpHeaders } from 'node:http';
import type { AuthzRequest, ContextValue } from '../evaluate';
import type { ResourceDirectory } from '../resource-directory';

/** A request as the gateway received it, with the service and region of its credential scope. */
export interface IncomingCall {
  /** Signing name from the credential scope (s3, dynamodb, sqs, sns, kms, ssm, events, sts…). */
  readonly service: string;
  readonly region: string;
  readonly method: string;
  /** Path exactly as sent (still percent-encoded). */
  readonly path: string;
  /** Decoded query parameters, in order. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly headers: IncomingHttpHeaders;
  /** The body, for protocols whose parameters travel in it (JSON, query forms, S3 DeleteObjects). */
  readonly body?: Buffer;
}

/** What the call is (for messages) and every authorization AWS performs for it. */
export interface MappedCall {
  readonly operation: string;
  readonly checks: AuthzRequest[];
}

export interface MapContext {
  readonly directory: ResourceDirectory;
  /** Condition keys every request carries (aws:SecureTransport…). */
  readonly common: Readonly<Record<string, ContextValue>>;
}

/**
 * The operation (X-Amz-Target's suffix) and parsed body of a JSON-protocol call. An unparseable body
 * is authorized on what the operation names alone; the service itself answers SerializationException.
 */
export function jsonCall(call: IncomingCall): { operation: string; body: Record<string, unknown> } {
  const operation = (header(call, 'x-amz-target') ?? '').split('.').pop() ?? '';
  try {
    const parsed: unknown = JSON.parse(call.body?.toString('utf8') || '{}');
    return { operation, body: parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {} };
  } catch {
    return { operation, body: {} };
  }
}

export function queryValue(call: IncomingCall, name: string): string | undefined {
  return call.query.find(([k]) => k === name)?.[1];
}

export function hasQuery(call: IncomingCall, name: string): boolean {
  return call.query.some(([k]) => k === name);
}

export function header(call: IncomingCall, name: string): string | undefined {
  const v = call.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The KMS check S3, DynamoDB or SNS performs with the caller's permissions when it uses a key for them. */
export function viaService(action: string, keyArn: string, service: string, region: string, ctx: MapContext, extra: Record<string, ContextValue> = {}): AuthzRequest {
  return {
    action,
    resource: keyArn,
    context: {
      ...ctx.common,
      'kms:ViaService': `${service}.${region}.amazonaws.com`,
      'kms:CallerAccount': ctx.directory.accountId,
      ...extra,
    },
  };
}

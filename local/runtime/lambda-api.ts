import type { ServerResponse } from 'node:http';
import { functionArn, lambdaRoute, LambdaRoute } from '../iam/request-map/lambda';
import type { IncomingCall } from '../iam/request-map/types';
import type { LocalFunction } from '../provision';
import { InvocationError } from './lambda-worker';

/**
 * The Lambda API operations the local copy serves, answered by the local runtime behind the policy
 * gateway (which has authorized the call already): ListFunctions, GetFunction,
 * GetFunctionConfiguration, ListTags and Invoke. They are what tools/redrive.ts needs, so the
 * redrive runs the same code against the local copy as against AWS.
 */
export interface LambdaBackend {
  readonly accountId: string;
  readonly functions: readonly LocalFunction[];
  /** RequestResponse: one attempt, the handler's result (or its InvocationError). */
  invoke(fn: LocalFunction, event: unknown): Promise<unknown>;
  /** Event: queued for the runtime's asynchronous invocation (retries, then the DLQ). */
  enqueue(fn: LocalFunction, event: unknown): Promise<void>;
}

/** Lambda lists at most 50 functions a page unless MaxItems says otherwise (up to 10,000). */
const DEFAULT_PAGE = 50;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Lambda's error shape: the code in x-amzn-errortype, {Type, Message} in the body. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { Type: 'User', Message: message, message }, { 'x-amzn-errortype': code });
}

/** FunctionConfiguration as Lambda returns it, from what the template configured. */
export function functionConfiguration(fn: LocalFunction): Record<string, unknown> {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    Role: fn.roleArn,
    Handler: fn.handler,
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memoryMb,
    Version: '$LATEST',
    Environment: { Variables: fn.environment },
    ...(fn.deadLetterQueueArn ? { DeadLetterConfig: { TargetArn: fn.deadLetterQueueArn } } : {}),
    PackageType: 'Zip',
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
}

function findFunction(backend: LambdaBackend, name: string, region: string): LocalFunction | undefined {
  const { arn, qualifier } = functionArn(name, region, backend.accountId);
  // Only $LATEST exists locally: the templates publish no versions or aliases.
  if (qualifier !== undefined && qualifier !== '$LATEST') return undefined;
  return backend.functions.find((f) => f.arn === arn);
}

function parsePayload(body: Buffer | undefined): { event: unknown } | undefined {
  const text = body?.toString('utf8') ?? '';
  if (!text.trim()) return { event: {} };
  try {
    return { event: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

async function invoke(backend: LambdaBackend, fn: LocalFunction, call: IncomingCall, res: ServerResponse): Promise<void> {
  const type = String(call.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  const payload = parsePayload(call.body);
  if (!payload) return sendError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
  if (type === 'DryRun') return send(res, 204, undefined);
  if (type === 'Event') {
    await backend.enqueue(fn, payload.event);
    return send(res, 202, undefined);
  }
  if (type !== 'RequestResponse') return sendError(res, 400, 'InvalidParameterValueException', `Unsupported InvocationType ${type}`);
  const version = { 'x-amz-executed-version': '$LATEST' };
  try {
    const result = await backend.invoke(fn, payload.event);
    return send(res, 200, result ?? null, version);
  } catch (err) {
    // A function error is a 200 with X-Amz-Function-Error, the error as the payload.
    const e = err instanceof InvocationError ? err : new InvocationError('Error', (err as Error).message);
    const body = { errorType: e.errorType, errorMessage: e.message, trace: (e.errorStack ?? '').split('\n').filter(Boolean) };
    return send(res, 200, body, { ...version, 'x-amz-function-error': 'Unhandled' });
  }
}

function page(backend: LambdaBackend, call: IncomingCall): { Functions: Record<string, unknown>[]; NextMarker?: string } {
  const q = new Map(call.query);
  const inRegion = backend.functions.filter((f) => f.region === call.region);
  const start = Number(q.get('Marker') ?? 0) || 0;
  const size = Math.min(Math.max(Number(q.get('MaxItems') ?? DEFAULT_PAGE) || DEFAULT_PAGE, 1), 10_000);
  const next = start + size;
  return { Functions: inRegion.slice(start, next).map(functionConfiguration), ...(next < inRegion.length ? { NextMarker: String(next) } : {}) };
}

/** Answers one authorized Lambda API request; `backend` is undefined while the runtime (re)starts. */
export async function serveLambda(backend: LambdaBackend | undefined, call: IncomingCall, res: ServerResponse): Promise<void> {
  const route: LambdaRoute | undefined = lambdaRoute(call.method, call.path);
  if (!route) return sendError(res, 404, 'UnknownOperationException', `${call.method} ${call.path} is not a Lambda operation the local copy serves`);
  if (!backend) return sendError(res, 503, 'ServiceException', 'the local Lambda runtime is starting');
  if (route.operation === 'ListFunctions') return send(res, 200, page(backend, call));
  const name = route.functionName ?? route.resourceArn ?? '';
  const fn = findFunction(backend, name, call.region);
  if (!fn) return sendError(res, 404, 'ResourceNotFoundException', `Function not found: ${functionArn(name, call.region, backend.accountId).arn}`);
  switch (route.operation) {
    case 'GetFunctionConfiguration':
      return send(res, 200, functionConfiguration(fn));
    case 'GetFunction':
      return send(res, 200, { Configuration: functionConfiguration(fn), Code: { RepositoryType: 'S3' }, Tags: fn.tags });
    case 'ListTags':
      return send(res, 200, { Tags: fn.tags });
    case 'Invoke':
      return invoke(backend, fn, call, res);
  }
}

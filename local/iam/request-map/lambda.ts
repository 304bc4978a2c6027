import type { IncomingCall, MapContext, MappedCall } from './types';

/**
 * Lambda's REST-JSON API, as far as the local copy serves it (ListFunctions,
 * GetFunction[Configuration], ListTags, Invoke — what tools/redrive.ts needs): which operation a
 * request is and which function it names. The gateway authorizes with it and the local runtime
 * answers with it, so the two never disagree about a route.
 */
export type LambdaOperation = 'ListFunctions' | 'GetFunction' | 'GetFunctionConfiguration' | 'ListTags' | 'Invoke';

export interface LambdaRoute {
  readonly operation: LambdaOperation;
  /** As given in the path (name, partial ARN or ARN, possibly with `:qualifier`), decoded. */
  readonly functionName?: string;
  /** ListTags names its resource by ARN. */
  readonly resourceArn?: string;
}

const ROUTES: Array<[method: string, pattern: RegExp, operation: LambdaOperation]> = [
  ['GET', /^\/2015-03-31\/functions\/?$/, 'ListFunctions'],
  ['GET', /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/, 'GetFunctionConfiguration'],
  ['GET', /^\/2015-03-31\/functions\/([^/]+)\/?$/, 'GetFunction'],
  ['POST', /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/, 'Invoke'],
  ['GET', /^\/2017-03-31\/tags\/([^/]+)\/?$/, 'ListTags'],
];

export function lambdaRoute(method: string, path: string): LambdaRoute | undefined {
  for (const [m, pattern, operation] of ROUTES) {
    if (m !== method) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    const arg = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    return operation === 'ListTags' ? { operation, resourceArn: arg } : { operation, functionName: arg };
  }
  return undefined;
}

/**
 * The unqualified ARN of a function named any way Lambda accepts (name, `name:qualifier`,
 * `account:function:name`, full ARN), and the qualifier it carries.
 */
export function functionArn(nameOrArn: string, region: string, accountId: string): { arn: string; qualifier?: string } {
  const parts = nameOrArn.split(':');
  if (parts[0] === 'arn') {
    const [, partition, , r, account, , name, qualifier] = parts;
    return { arn: `arn:${partition}:lambda:${r}:${account}:function:${name}`, qualifier };
  }
  if (parts[1] === 'function') return { arn: `arn:aws:lambda:${region}:${parts[0]}:function:${parts[2]}`, qualifier: parts[3] };
  return { arn: `arn:aws:lambda:${region}:${accountId}:function:${parts[0]}`, qualifier: parts[1] };
}

const ACTION: Record<LambdaOperation, string> = {
  ListFunctions: 'lambda:ListFunctions',
  GetFunction: 'lambda:GetFunction',
  GetFunctionConfiguration: 'lambda:GetFunctionConfiguration',
  ListTags: 'lambda:ListTags',
  Invoke: 'lambda:InvokeFunction',
};

export function mapLambda(call: IncomingCall, ctx: MapContext): MappedCall {
  const route = lambdaRoute(call.method, call.path);
  if (!route) {
    // An operation the local copy does not serve: no action of that name exists, so the evaluator denies it.
    return { operation: `${call.method} ${call.path}`, checks: [{ action: 'lambda:UnsupportedLocally', resource: '*', context: { ...ctx.common } }] };
  }
  const named = route.functionName ?? route.resourceArn;
  const resource = named ? functionArn(named, call.region, ctx.directory.accountId).arn : '*';
  return { operation: route.operation, checks: [{ action: ACTION[route.operation], resource, context: { ...ctx.common } }] };
}

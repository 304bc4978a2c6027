/**
 * CloudFormation intrinsic functions, resolved against the local copy's physical resources. Pure:
 * every lookup goes through the `ResolveContext` the provisioner supplies, so the rules are unit
 * tested without an emulator.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface ResolveContext {
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly partition?: string;
  readonly urlSuffix?: string;
  /** Physical id (Ref) of a resource or value of a template parameter. */
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): Json;
  /** Value exported by another stack of the same region. */
  importValue(name: string): string;
  /** Evaluated condition (the provisioner evaluates Conditions with `evaluateCondition`). */
  condition(name: string): boolean;
}

export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

/** Marker for Fn::If branches that pick AWS::NoValue: the property is removed. */
const NO_VALUE = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

function pseudo(name: string, ctx: ResolveContext): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::Partition':
      return ctx.partition ?? 'aws';
    case 'AWS::URLSuffix':
      return ctx.urlSuffix ?? 'amazonaws.com';
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return `arn:${ctx.partition ?? 'aws'}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${ctx.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asString(v: Resolved, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new IntrinsicError(`${where}: expected a string, got ${JSON.stringify(v)}`);
}

function asArray(v: Resolved, where: string): Json[] {
  if (Array.isArray(v)) return v;
  throw new IntrinsicError(`${where}: expected a list, got ${JSON.stringify(v)}`);
}

function substitute(template: string, vars: Record<string, Json>, ctx: ResolveContext): string {
  return template.replace(/\$\{(!?)([^}]+)\}/g, (_m, bang: string, name: string) => {
    if (bang) return `\${${name}}`;
    if (name in vars) return asString(vars[name] as Json, `Fn::Sub \${${name}}`);
    const p = pseudo(name, ctx);
    if (typeof p === 'string') return p;
    const dot = name.indexOf('.');
    if (dot > 0) return asString(ctx.getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub \${${name}}`);
    return ctx.ref(name);
  });
}

function resolveInner(value: Json, ctx: ResolveContext): Resolved {
  if (Array.isArray(value)) {
    return value.map((v) => resolveInner(v, ctx)).filter((v): v is Json => v !== NO_VALUE);
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const fn = keys[0] as string;
    const arg = value[fn] as Json;
    switch (fn) {
      case 'Ref': {
        const name = asString(arg, 'Ref');
        const p = pseudo(name, ctx);
        return p !== undefined ? p : ctx.ref(name);
      }
      case 'Fn::GetAtt': {
        const parts = typeof arg === 'string' ? arg.split('.') : asArray(resolveInner(arg, ctx), 'Fn::GetAtt');
        const [logicalId, ...attr] = parts.map((p) => asString(p, 'Fn::GetAtt'));
        if (!logicalId || attr.length === 0) throw new IntrinsicError(`Fn::GetAtt: malformed ${JSON.stringify(arg)}`);
        return ctx.getAtt(logicalId, attr.join('.'));
      }
      case 'Fn::Join': {
        const [sep, list] = asArray(arg, 'Fn::Join');
        const items = asArray(resolveInner(list as Json, ctx), 'Fn::Join');
        return items.map((i) => asString(i, 'Fn::Join')).join(asString(sep as Json, 'Fn::Join'));
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return substitute(arg, {}, ctx);
        const [template, vars] = asArray(arg, 'Fn::Sub');
        const resolvedVars = resolveInner((vars ?? {}) as Json, ctx);
        if (!isObject(resolvedVars)) throw new IntrinsicError('Fn::Sub: variables must be an object');
        return substitute(asString(template as Json, 'Fn::Sub'), resolvedVars, ctx);
      }
      case 'Fn::Select': {
        const [index, list] = asArray(arg, 'Fn::Select');
        const i = Number(resolveInner(index as Json, ctx));
        const items = asArray(resolveInner(list as Json, ctx), 'Fn::Select');
        if (!Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new IntrinsicError(`Fn::Select: index ${String(index)} out of range for ${items.length} items`);
        }
        return items[i] as Json;
      }
      case 'Fn::Split': {
        const [sep, source] = asArray(arg, 'Fn::Split');
        return asString(resolveInner(source as Json, ctx), 'Fn::Split').split(asString(sep as Json, 'Fn::Split'));
      }
      case 'Fn::ImportValue':
        return ctx.importValue(asString(resolveInner(arg, ctx), 'Fn::ImportValue'));
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = asArray(arg, 'Fn::If');
        return resolveInner((ctx.condition(asString(cond as Json, 'Fn::If')) ? whenTrue : whenFalse) as Json, ctx);
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${ctx.region}${z}`);
      case 'Fn::Base64':
        return Buffer.from(asString(resolveInner(arg, ctx), 'Fn::Base64')).toString('base64');
      case 'Condition':
        return ctx.condition(asString(arg, 'Condition'));
      default:
        if (fn.startsWith('Fn::')) throw new IntrinsicError(`${fn} is not supported by the local copy`);
    }
  }
  const out: { [key: string]: Json } = {};
  for (const k of keys) {
    const r = resolveInner(value[k] as Json, ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

export function resolve(value: Json, ctx: ResolveContext): Json {
  const r = resolveInner(value, ctx);
  return r === NO_VALUE ? null : r;
}

/** Evaluates a Conditions entry (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition). */
export function evaluateCondition(value: Json, ctx: ResolveContext): boolean {
  if (typeof value === 'boolean') return value;
  if (!isObject(value)) throw new IntrinsicError(`condition: unexpected ${JSON.stringify(value)}`);
  const [fn] = Object.keys(value);
  const arg = value[fn as string] as Json;
  switch (fn) {
    case 'Fn::Equals': {
      const [a, b] = asArray(arg, 'Fn::Equals').map((v) => resolve(v, ctx));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::And':
      return asArray(arg, 'Fn::And').every((v) => evaluateCondition(v, ctx));
    case 'Fn::Or':
      return asArray(arg, 'Fn::Or').some((v) => evaluateCondition(v, ctx));
    case 'Fn::Not':
      return !evaluateCondition(asArray(arg, 'Fn::Not')[0] as Json, ctx);
    case 'Condition':
      return ctx.condition(asString(arg, 'Condition'));
    default:
      throw new IntrinsicError(`condition: ${String(fn)} is not supported`);
  }
}

/** Logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub variables), for dependency ordering. */
export function references(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, out);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) out.add(v);
      else if (k === 'Fn::GetAtt') {
        const first = typeof v === 'string' ? v.split('.')[0] : Array.isArray(v) ? v[0] : undefined;
        if (typeof first === 'string') out.add(first);
      } else if (k === 'Fn::Sub') {
        const template = typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
        const vars = Array.isArray(v) && isObject(v[1]) ? v[1] : {};
        if (typeof template === 'string') {
          for (const m of template.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = (m[1] as string).split('.')[0] as string;
            if (!name.startsWith('AWS::') && !(name in vars)) out.add(name);
          }
        }
        references(vars, out);
      } else references(v, out);
    }
  }
  return out;
}

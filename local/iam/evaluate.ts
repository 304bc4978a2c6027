import { getDenialReasons, getGrantReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy, PolicyDocument, PolicyStatement, PolicyStore } from './policies';

/**
 * One authorization question, answered by @cloud-copilot/iam-simulate (never by hand-written policy
 * logic): the principal's identity policies and the target's resource policy, explicit deny
 * winning, same-account and KMS key-policy semantics as AWS applies them.
 */

export type ContextValue = string | string[];

export interface Principal {
  /** What AWS reports as the caller: a user ARN, an assumed-role session ARN, or a service principal. */
  readonly arn: string;
  readonly kind: 'user' | 'assumed-role' | 'service';
  /** The role of an assumed-role session. */
  readonly roleArn?: string;
  readonly identityPolicies: readonly NamedPolicy[];
  /** Session tags (aws:PrincipalTag/*). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface AuthzRequest {
  /** service:Action, for example s3:GetObject. */
  readonly action: string;
  readonly resource: string;
  /** Condition keys the request carries (s3:prefix, dynamodb:LeadingKeys, kms:ViaService…). */
  readonly context: Readonly<Record<string, ContextValue>>;
}

export type DecisionResult = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Decision {
  readonly allowed: boolean;
  readonly result: DecisionResult;
  /** AWS's wording after the resource, e.g. "because no identity-based policy allows the s3:GetObject action". */
  readonly reason: string;
  /** "Stack/LogicalId" of the policy that denied, or of the principal whose policies allow nothing. */
  readonly policy?: string;
  /** For an allowed request: every statement iam-simulate reports as allowing it (tests remove each to prove it is needed). */
  readonly grants?: readonly Grant[];
}

/** One allowing statement: `policy` is the store's own object, `statement` the 0-based index in its document. */
export interface Grant {
  readonly policyType: 'identity' | 'resource';
  readonly policy: NamedPolicy;
  readonly statement: number;
}

/** The resource whose resource policy governs `arn`: objects answer to their bucket's policy, versions of a function to the function. */
export function resourcePolicyTarget(arn: string): string {
  if (arn.startsWith('arn:aws:s3:::')) return `arn:aws:s3:::${arn.slice('arn:aws:s3:::'.length).split('/')[0]}`;
  if (arn.startsWith('arn:aws:lambda:')) return arn.split(':').slice(0, 7).join(':');
  return arn;
}

function merged(policies: readonly NamedPolicy[]): { document: PolicyDocument; origin: NamedPolicy[]; originIndex: number[] } | undefined {
  if (!policies.length) return undefined;
  const statements: PolicyStatement[] = [];
  const origin: NamedPolicy[] = [];
  const originIndex: number[] = [];
  for (const p of policies) {
    p.document.Statement.forEach((s, i) => {
      statements.push(s);
      origin.push(p);
      originIndex.push(i);
    });
  }
  return { document: { Version: '2012-10-17', Statement: statements }, origin, originIndex };
}

/**
 * iam-simulate (0.1.173) keeps only request context keys it knows for the action, and matches a
 * variable key only when its variable follows a slash (aws:PrincipalTag/x): kms:EncryptionContext:x
 * is silently dropped, so every condition on it fails as if the key were missing. Until the library
 * accepts it, policies and request carry such keys under a slash-variable alias that it keeps
 * (aws:RequestTag/…, a String key like kms:EncryptionContext:…); operators, values and statement
 * order are untouched, so the evaluation itself stays the library's.
 */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:(.+)$/i;
const ENCRYPTION_CONTEXT_ALIAS = 'aws:RequestTag/kms:EncryptionContext:';

function aliasKey(key: string): string {
  const m = ENCRYPTION_CONTEXT_KEY.exec(key);
  return m ? `${ENCRYPTION_CONTEXT_ALIAS}${m[1]}` : key;
}

function aliasContext(ctx: Readonly<Record<string, ContextValue>>): Record<string, ContextValue> {
  return Object.fromEntries(Object.entries(ctx).map(([k, v]) => [aliasKey(k), v]));
}

function aliasDocument(document: PolicyDocument): PolicyDocument {
  const needed = document.Statement.some((s) => Object.values(s.Condition ?? {}).some((c) => Object.keys(c).some((k) => ENCRYPTION_CONTEXT_KEY.test(k))));
  if (!needed) return document;
  return {
    ...document,
    Statement: document.Statement.map((s) =>
      s.Condition
        ? { ...s, Condition: Object.fromEntries(Object.entries(s.Condition).map(([op, c]) => [op, Object.fromEntries(Object.entries(c).map(([k, v]) => [aliasKey(k), v]))])) }
        : s,
    ),
  };
}

function principalContext(p: Principal, accountId: string): Record<string, ContextValue> {
  if (p.kind === 'service') return {};
  const ctx: Record<string, ContextValue> = {
    'aws:PrincipalArn': p.roleArn ?? p.arn,
    'aws:PrincipalAccount': accountId,
    'aws:PrincipalType': p.kind === 'assumed-role' ? 'AssumedRole' : 'User',
  };
  for (const [k, v] of Object.entries(p.tags ?? {})) ctx[`aws:PrincipalTag/${k}`] = v;
  return ctx;
}

function resourceAccount(arn: string, fallback: string): string {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : fallback;
}

export class PolicyEvaluator {
  constructor(readonly store: PolicyStore) {}

  resourcePolicies(resource: string): NamedPolicy[] {
    return this.store.resourcePolicies.get(resourcePolicyTarget(resource)) ?? [];
  }

  async evaluate(principal: Principal, req: AuthzRequest): Promise<Decision> {
    const rp = merged(this.resourcePolicies(req.resource));
    const sim: Simulation = {
      request: {
        principal: principal.arn,
        action: req.action,
        resource: { resource: req.resource, accountId: resourceAccount(req.resource, this.store.accountId) },
        contextVariables: aliasContext({ ...principalContext(principal, this.store.accountId), ...req.context }),
      },
      identityPolicies: principal.identityPolicies.map((p) => ({ name: `${p.source}:${p.name}`, policy: aliasDocument(p.document) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: rp ? aliasDocument(rp.document) : undefined,
    };
    const res = await runSimulation(sim, {});
    if (res.resultType === 'error') {
      // A request the simulator cannot even evaluate (unknown action, malformed policy) is denied, with why.
      return { allowed: false, result: 'ImplicitlyDenied', reason: `because the request could not be evaluated: ${JSON.stringify(res.errors).slice(0, 300)}` };
    }
    const result = res.overallResult as DecisionResult;
    const analysis = res.resultType === 'single' ? res.result.analysis : undefined;
    if (result === 'Allowed') {
      const grants: Grant[] = [];
      for (const g of analysis ? getGrantReasons(analysis) : []) {
        if (g.policyType === 'resource') {
          const policy = rp?.origin[g.statementIndex - 1];
          if (policy) grants.push({ policyType: 'resource', policy, statement: rp?.originIndex[g.statementIndex - 1] ?? 0 });
        } else if (g.policyType === 'identity') {
          const policy = principal.identityPolicies.find((p) => `${p.source}:${p.name}` === g.policyIdentifier);
          if (policy) grants.push({ policyType: 'identity', policy, statement: g.statementIndex - 1 });
        }
      }
      return { allowed: true, result, reason: '', grants };
    }
    const denials = analysis ? getDenialReasons(analysis) : [];
    const explicit = denials.find((d) => d.denialType === 'Explicit');
    const who = principal.roleArn ? this.store.roles.get(principal.roleArn)?.source : undefined;
    if (explicit && explicit.denialType === 'Explicit') {
      if (explicit.policyType === 'resource') {
        const from = rp?.origin[explicit.statementIndex - 1];
        return { allowed: false, result, reason: 'with an explicit deny in a resource-based policy', policy: from?.source };
      }
      return { allowed: false, result, reason: 'with an explicit deny in an identity-based policy', policy: explicit.policyIdentifier ?? who };
    }
    const resourceMissing = denials.some((d) => d.policyType === 'resource');
    const identityMissing = denials.some((d) => d.policyType === 'identity');
    // KMS keys and role trust policies must allow the caller themselves; for them the missing grant is the resource policy.
    if (resourceMissing && (!identityMissing || principal.kind === 'service' || req.action.startsWith('kms:') || req.action.startsWith('sts:'))) {
      return { allowed: false, result, reason: `because no resource-based policy allows the ${req.action} action`, policy: rp?.origin[0]?.source };
    }
    return { allowed: false, result, reason: `because no identity-based policy allows the ${req.action} action`, policy: who };
  }
}

/** AWS's denial sentence: User: ARN is not authorized to perform: ACTION on resource: ARN REASON. */
export function denialMessage(principal: Principal, req: AuthzRequest, d: Decision): string {
  return `User: ${principal.arn} is not authorized to perform: ${req.action} on resource: ${req.resource} ${d.reason}`;
}

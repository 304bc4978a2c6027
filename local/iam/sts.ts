import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { CredentialRegistry, Holder } from './credentials';
import type { AuthzRequest, Decision, PolicyEvaluator } from './evaluate';

/**
 * The two STS calls the local copy answers itself (moto's STS would issue keys the gateway does
 * not know): AssumeRole — authorized against the caller's identity policies and the role's trust
 * policy, with session tags — and GetCallerIdentity, which needs no permission.
 */

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

function reply(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

export interface StsOutcome {
  /** Authorization checks made (for denial reporting); empty when the call needs none. */
  readonly checks: AuthzRequest[];
  readonly denied?: { check: AuthzRequest; decision: Decision };
  /** Writes the successful answer (called only when allowed, or in warn mode). */
  readonly answer?: (res: ServerResponse) => void;
  /** A request that cannot be served at all (400 ValidationError). */
  readonly invalid?: string;
}

export async function handleSts(
  params: Map<string, string>,
  caller: Holder,
  registry: CredentialRegistry,
  evaluator: PolicyEvaluator,
): Promise<StsOutcome> {
  const action = params.get('Action');
  const accountId = evaluator.store.accountId;
  if (action === 'GetCallerIdentity') {
    const userId = caller.principal.kind === 'assumed-role' ? `AROA${caller.credentials.accessKeyId.slice(4)}:${caller.principal.arn.split('/').pop()}` : caller.credentials.accessKeyId;
    return {
      checks: [],
      answer: (res) =>
        reply(res, `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${xml(caller.principal.arn)}</Arn><UserId>${xml(userId)}</UserId><Account>${accountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`),
    };
  }
  if (action !== 'AssumeRole') return { checks: [], invalid: `sts:${action ?? '(no Action)'} is not supported by the local copy (AssumeRole and GetCallerIdentity are)` };
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) return { checks: [], invalid: 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]' };
  const duration = Number(params.get('DurationSeconds') ?? 3600);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) return { checks: [], invalid: 'DurationSeconds must be between 900 and 43200' };
  const tags: Record<string, string> = {};
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) tags[params.get(`Tags.member.${i}.Key`) as string] = params.get(`Tags.member.${i}.Value`) ?? '';
  const requestTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v]));
  const tagKeys = Object.keys(tags);
  const checks: AuthzRequest[] = [{ action: 'sts:AssumeRole', resource: roleArn, context: { ...requestTags, ...(tagKeys.length ? { 'aws:TagKeys': tagKeys } : {}) } }];
  if (tagKeys.length) checks.push({ action: 'sts:TagSession', resource: roleArn, context: { ...requestTags, 'aws:TagKeys': tagKeys } });
  if (!evaluator.store.roles.has(roleArn)) {
    return { checks, invalid: undefined, denied: { check: checks[0] as AuthzRequest, decision: { allowed: false, result: 'ImplicitlyDenied', reason: 'because the role does not exist' } } };
  }
  for (const check of checks) {
    const decision = await evaluator.evaluate(caller.principal, check);
    if (!decision.allowed) return { checks, denied: { check, decision }, answer: (res) => issue(res) };
  }
  function issue(res: ServerResponse): void {
    const h = registry.assumeRole(roleArn, sessionName, duration, tags);
    const c = h.credentials;
    const roleName = roleArn.split('/').pop() as string;
    reply(
      res,
      `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey><SessionToken>${c.sessionToken}</SessionToken><Expiration>${c.expiration?.toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA${roleName.slice(0, 16).toUpperCase()}:${xml(sessionName)}</AssumedRoleId><Arn>${xml(h.principal.arn)}</Arn></AssumedRoleUser><PackedPolicySize>${tagKeys.length}</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  }
  return { checks, answer: issue };
}

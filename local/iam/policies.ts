import type { Json } from '../provision/intrinsics';

/**
 * Every policy the templates define, keyed the way AWS evaluates them: identity policies by role
 * ARN (inline role policies, AWS::IAM::Policy attached to the role, managed policies), and resource
 * policies by the ARN of the resource they protect (bucket, KMS key, topic, queue, function, and a
 * role's trust policy for sts:AssumeRole). Pure: it reads resources whose properties the caller has
 * already resolved, so the local copy (after provisioning) and the service-edge test (from the
 * synthesized templates alone) build the same store.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Json;
  readonly NotPrincipal?: Json;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, Json>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement[];
}

/** A policy and where it came from ("Stack/LogicalId"), for denial messages and tests. */
export interface NamedPolicy {
  readonly name: string;
  readonly source: string;
  readonly document: PolicyDocument;
}

export interface RolePolicies {
  readonly arn: string;
  readonly name: string;
  readonly source: string;
  readonly trust: PolicyDocument;
  readonly policies: NamedPolicy[];
}

/** One template resource with its properties resolved to physical values. */
export interface ResolvedResource {
  readonly stackName: string;
  readonly region: string;
  readonly logicalId: string;
  readonly type: string;
  readonly props: Record<string, Json>;
  /** What Ref returns (bucket name, key id, topic ARN, queue URL, role name, function name…). */
  readonly ref: string;
  /** Fn::GetAtt Arn where the type has one. */
  readonly arn?: string;
}

export interface PolicyStore {
  readonly accountId: string;
  /** Role ARN → its trust and identity policies. */
  readonly roles: Map<string, RolePolicies>;
  /** Resource ARN → the resource policies attached to it (a resource may have several, e.g. Lambda permissions). */
  readonly resourcePolicies: Map<string, NamedPolicy[]>;
}

/**
 * AWS managed policies that templates may attach. Only the ones this project's templates use are
 * known; an unknown one is reported (and grants nothing) rather than guessed.
 */
export const AWS_MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};

function asList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function doc(v: Json | undefined, where: string): PolicyDocument {
  if (!v || typeof v !== 'object' || Array.isArray(v) || !Array.isArray((v as { Statement?: Json }).Statement)) {
    throw new Error(`${where}: not a policy document: ${JSON.stringify(v)?.slice(0, 200)}`);
  }
  return v as unknown as PolicyDocument;
}

/** A Lambda::Permission as the statement Lambda adds to the function policy for it. */
function permissionStatement(props: Record<string, Json>, functionArn: string): PolicyStatement {
  const principal = String(props.Principal);
  const conditions: Record<string, Record<string, Json>> = {};
  if (props.SourceArn) conditions.ArnLike = { 'AWS:SourceArn': props.SourceArn };
  if (props.SourceAccount) conditions.StringEquals = { 'AWS:SourceAccount': props.SourceAccount };
  const isService = principal.endsWith('.amazonaws.com');
  return {
    Effect: 'Allow',
    Principal: isService ? { Service: principal } : { AWS: principal },
    Action: String(props.Action),
    Resource: functionArn,
    ...(Object.keys(conditions).length ? { Condition: conditions } : {}),
  };
}

export function roleArn(accountId: string, name: string, path = '/'): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

/**
 * Builds the store from resolved resources (in any order). `managedPolicyMissing` is called for
 * an attached managed policy whose content is unknown.
 */
export function collectPolicies(
  accountId: string,
  resources: readonly ResolvedResource[],
  managedPolicyMissing: (where: string, arn: string) => void = () => undefined,
): PolicyStore {
  const store: PolicyStore = { accountId, roles: new Map(), resourcePolicies: new Map() };
  const rolesByName = new Map<string, RolePolicies>();
  const queueArnByUrl = new Map<string, string>();
  const functionArnByName = new Map<string, string>();
  const addResourcePolicy = (arn: string, p: NamedPolicy) => store.resourcePolicies.set(arn, [...(store.resourcePolicies.get(arn) ?? []), p]);
  const where = (r: ResolvedResource) => `${r.stackName}/${r.logicalId}`;

  for (const r of resources) {
    if (r.type === 'AWS::IAM::Role') {
      const arn = r.arn ?? roleArn(accountId, r.ref, typeof r.props.Path === 'string' ? r.props.Path : '/');
      const role: RolePolicies = {
        arn,
        name: r.ref,
        source: where(r),
        trust: doc(r.props.AssumeRolePolicyDocument, `${where(r)} AssumeRolePolicyDocument`),
        policies: [],
      };
      for (const p of asList(r.props.Policies as Array<{ PolicyName: string; PolicyDocument: Json }> | undefined)) {
        role.policies.push({ name: p.PolicyName, source: where(r), document: doc(p.PolicyDocument, `${where(r)} ${p.PolicyName}`) });
      }
      for (const m of asList(r.props.ManagedPolicyArns as string[] | undefined)) {
        const known = AWS_MANAGED_POLICIES[m];
        if (known) role.policies.push({ name: m.split('/').pop() as string, source: m, document: known });
        else managedPolicyMissing(where(r), m);
      }
      store.roles.set(arn, role);
      rolesByName.set(r.ref, role);
      // The trust policy is the role's resource policy for sts:AssumeRole.
      addResourcePolicy(arn, { name: 'trust policy', source: where(r), document: role.trust });
    } else if (r.type === 'AWS::SQS::Queue' && r.arn) {
      queueArnByUrl.set(r.ref, r.arn);
    } else if (r.type === 'AWS::Lambda::Function' && r.arn) {
      functionArnByName.set(r.ref, r.arn);
    }
  }

  for (const r of resources) {
    const source = where(r);
    switch (r.type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy': {
        const document = doc(r.props.PolicyDocument, `${source} PolicyDocument`);
        const name = String(r.props.PolicyName ?? r.props.ManagedPolicyName ?? r.logicalId);
        for (const roleName of asList(r.props.Roles as string[] | undefined)) {
          const role = rolesByName.get(roleName);
          if (role) role.policies.push({ name, source, document });
        }
        break;
      }
      case 'AWS::S3::BucketPolicy':
        addResourcePolicy(`arn:aws:s3:::${String(r.props.Bucket)}`, { name: 'bucket policy', source, document: doc(r.props.PolicyDocument, source) });
        break;
      case 'AWS::KMS::Key':
        if (r.arn) addResourcePolicy(r.arn, { name: 'key policy', source, document: doc(r.props.KeyPolicy, `${source} KeyPolicy`) });
        break;
      case 'AWS::SNS::TopicPolicy':
        for (const t of asList(r.props.Topics as string[] | undefined)) {
          addResourcePolicy(t, { name: 'topic policy', source, document: doc(r.props.PolicyDocument, source) });
        }
        break;
      case 'AWS::SNS::TopicInlinePolicy':
        addResourcePolicy(String(r.props.TopicArn), { name: 'topic policy', source, document: doc(r.props.PolicyDocument, source) });
        break;
      case 'AWS::SQS::QueuePolicy':
        for (const url of asList(r.props.Queues as string[] | undefined)) {
          const arn = queueArnByUrl.get(url);
          if (arn) addResourcePolicy(arn, { name: 'queue policy', source, document: doc(r.props.PolicyDocument, source) });
        }
        break;
      case 'AWS::SQS::QueueInlinePolicy': {
        const arn = queueArnByUrl.get(String(r.props.Queue));
        if (arn) addResourcePolicy(arn, { name: 'queue policy', source, document: doc(r.props.PolicyDocument, source) });
        break;
      }
      case 'AWS::Lambda::Permission': {
        const fn = String(r.props.FunctionName);
        const arn = fn.startsWith('arn:') ? fn.split(':').slice(0, 7).join(':') : functionArnByName.get(fn);
        if (arn) addResourcePolicy(arn, { name: `permission ${r.logicalId}`, source, document: { Version: '2012-10-17', Statement: [permissionStatement(r.props, arn)] } });
        break;
      }
      default:
        break;
    }
  }
  return store;
}

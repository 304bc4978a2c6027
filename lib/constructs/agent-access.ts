import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AGENT_TAG, AgentLayout, SESSION_TAG, policyVariables } from '../../core/agent-access';
import { acknowledgePrefixScopedWildcards } from './compliance';
import type { AgentAccessConfig, EnvironmentConfig } from '../config';
import { resourceNames } from '../config';

/**
 * Agent workspaces (issue 15 item 1): ONE role whose permissions are keyed on the session tags it
 * is assumed with (attribute-based access control). A platform assumes it with agent=alice (and
 * session=42) and hands the session to the agent; that session can then reach alice's workspace,
 * session 42's workspace and the shared prefixes and namespaces, and nothing else. One role instead
 * of one per agent: agents come and go at runtime, IAM roles are deploy-time objects with quotas.
 */
export interface AgentAccessProps {
  readonly config: EnvironmentConfig;
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
}

const OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'];
const OBJECT_WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'];
const KV_ITEMS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

export function agentLayout(a: AgentAccessConfig): AgentLayout {
  return {
    sharedRead: a.shared.read,
    sharedWrite: a.shared.write,
    sharedNamespaces: a.shared.namespaces,
    agentPrefixes: a.workspaces.agent,
    sessionPrefixes: a.workspaces.session,
    agentNamespace: a.workspaces.agentNamespace,
    ...(a.workspaces.sessionNamespace ? { sessionNamespace: a.workspaces.sessionNamespace } : {}),
  };
}

/**
 * The trust policy's conditions: an agent tag must be present and hold no '/' (agent `bob/x` would
 * own `agents/bob/x/`, inside bob's workspace), and no tag other than agent and session may be set,
 * so a caller cannot add tags later policies might key on.
 */
function tagConditions(): Record<string, Record<string, string | string[]>> {
  return {
    StringLike: { [`aws:RequestTag/${AGENT_TAG}`]: '?*' },
    StringNotLike: { [`aws:RequestTag/${AGENT_TAG}`]: '*/*', [`aws:RequestTag/${SESSION_TAG}`]: '*/*' },
    'ForAllValues:StringEquals': { 'aws:TagKeys': [AGENT_TAG, SESSION_TAG] },
  };
}

/** One principal per configured assumer, each carrying the tag conditions and sts:TagSession. */
function assumers(config: EnvironmentConfig, stack: Stack): iam.IPrincipal[] {
  return config.agentAccess.assumers.map((a) => {
    if (a.kind === 'oidc') {
      return new iam.WebIdentityPrincipal(a.providerArn, {
        ...tagConditions(),
        StringEquals: { [`${a.issuer}:aud`]: a.audience },
        StringLike: { [`aws:RequestTag/${AGENT_TAG}`]: '?*', [`${a.issuer}:sub`]: a.subjects },
      }).withSessionTags();
    }
    const principal = a.kind === 'role' ? new iam.ArnPrincipal(a.arn) : new iam.AccountPrincipal(stack.account);
    return principal.withConditions(tagConditions()).withSessionTags();
  });
}

export class AgentAccess extends Construct {
  readonly role: iam.Role;
  readonly layout: AgentLayout;

  constructor(scope: Construct, id: string, props: AgentAccessProps) {
    super(scope, id);
    const { config, bucket, table, key } = props;
    const stack = Stack.of(this);
    const names = resourceNames(config.name);
    const layout = agentLayout(config.agentAccess);
    this.layout = layout;

    this.role = new iam.Role(this, 'Role', {
      roleName: `${names.prefix}-agent`,
      description: `blob ${config.name}: agent sessions, scoped by the agent and session tags to their workspaces`,
      assumedBy: new iam.CompositePrincipal(...assumers(config, stack)),
      maxSessionDuration: Duration.hours(config.agentAccess.maxSessionHours),
    });

    const own = [...layout.agentPrefixes, ...layout.sessionPrefixes].map(policyVariables);
    const readable = [...layout.sharedRead, ...layout.sharedWrite, ...own];
    const objects = (prefixes: readonly string[]) => prefixes.map((p) => bucket.arnForObjects(`${p}*`));
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadWorkspacesAndShared', actions: OBJECT_READ, resources: objects(readable) }),
      new iam.PolicyStatement({ sid: 'WriteWorkspacesAndSharedWrite', actions: OBJECT_WRITE, resources: objects([...layout.sharedWrite, ...own]) }),
      // Deleting (a delete marker) only in the agent's own and its session's workspace; shared data survives any agent.
      new iam.PolicyStatement({ sid: 'DeleteInWorkspaces', actions: ['s3:DeleteObject'], resources: objects(own) }),
      new iam.PolicyStatement({
        sid: 'ListReadablePrefixes',
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': readable.flatMap((p) => [p, `${p}*`]) } },
      }),
      new iam.PolicyStatement({
        sid: 'KvstoreNamespaces',
        actions: KV_ITEMS,
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': [layout.agentNamespace, layout.sessionNamespace, ...layout.sharedNamespaces].filter((n): n is string => !!n).map(policyVariables),
          },
        },
      }),
      // The data key only on behalf of S3 and DynamoDB in this region, i.e. for the objects and items above.
      new iam.PolicyStatement({
        sid: 'DataKeyViaS3AndDynamoDB',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': [`s3.${stack.region}.amazonaws.com`, `dynamodb.${stack.region}.amazonaws.com`] } },
      }),
      // The environment's published parameters (names and ARNs, no secrets), each by name: `--env`
      // asks for several in one GetParameters, which AWS refuses whole if one is not allowed.
      new iam.PolicyStatement({
        sid: 'ResolveEnvironment',
        actions: ['ssm:GetParameters', 'ssm:GetParameter'],
        resources: Object.values(names.parameters).map((n) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: n.slice(1) })),
      }),
    ];
    for (const s of statements) this.role.addToPolicy(s);
    // Every object wildcard above sits under a literal top-level prefix (agents/${tag}/…, shared/…): cdk-nag's finding acknowledged with that reason.
    acknowledgePrefixScopedWildcards(this.role);

    new ssm.StringParameter(this, 'RoleArnParam', { parameterName: names.parameters.agentRoleArn, stringValue: this.role.roleArn, description: `blob ${config.name}` });
    new ssm.StringParameter(this, 'LayoutParam', { parameterName: names.parameters.agentLayout, stringValue: JSON.stringify(layout), description: `blob ${config.name}: agent workspaces` });
  }
}

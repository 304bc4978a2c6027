import { PolicyEvaluator } from '../evaluate';
import type { Decision, Principal } from '../evaluate';
import type { NamedPolicy, PolicyStore } from '../policies';
import type { TemplateModel } from '../template-model';
import { backupEdges } from './backup';
import { alarmEdges, customResourceEdges, ruleEdges, subscriptionEdges } from './delivery';
import { edgeSet } from './edge-set';
import { lambdaEdges } from './lambda';
import { s3Edges } from './s3';
import type { EdgeCaller, PolicyEdge, ServiceEdge } from './types';

export type { ConfigEdge, EdgeCaller, PolicyEdge, ServiceEdge } from './types';

/**
 * Every service-to-service edge of a synthesized app: calls AWS services make on the app's behalf
 * (an alarm publishing, a rule invoking, S3 replicating, Lambda assuming a role and writing logs…),
 * which the local copy does not execute, so only policy evaluation can prove they will work. Each
 * edge is one request with the principal, aws:SourceArn and aws:SourceAccount AWS sends, evaluated
 * by the same PolicyEvaluator (iam-simulate) as everything else. Edges that involve no policy
 * (S3 → EventBridge default bus, SNS → e-mail) are listed too, with the configuration they need.
 */
export function enumerateServiceEdges(model: TemplateModel): ServiceEdge[] {
  const e = edgeSet(model);
  // CloudWatch alarm actions → SNS topics (and the topic key).
  alarmEdges(e);
  // EventBridge rules → targets, and each target's dead-letter queue.
  ruleEdges(e);
  // Lambda: assumes each function's role, writes its logs (and traces), delivers failed async events.
  lambdaEdges(e);
  // S3: replication, server access logs, EventBridge notifications.
  s3Edges(e);
  // AWS Backup: each selection's role, the selected tables and their keys, the vault's key.
  backupEdges(e);
  // SNS subscriptions.
  subscriptionEdges(e);
  // Custom resources: CloudFormation invokes the provider with the deploying role (no resource policy).
  customResourceEdges(e);
  return e.edges;
}

/** The principal of an edge's caller, with its identity policies as the store has them. */
export function edgePrincipal(store: PolicyStore, caller: EdgeCaller): Principal {
  if (caller.kind === 'service') return { arn: caller.principal, kind: 'service', identityPolicies: [] };
  const role = store.roles.get(caller.roleArn);
  const name = caller.roleArn.split('/').pop() as string;
  return {
    arn: `arn:aws:sts::${store.accountId}:assumed-role/${name}/service-edge`,
    kind: 'assumed-role',
    roleArn: caller.roleArn,
    identityPolicies: role?.policies ?? [],
  };
}

export function evaluateEdge(store: PolicyStore, edge: PolicyEdge): Promise<Decision> {
  return new PolicyEvaluator(store).evaluate(edgePrincipal(store, edge.caller), edge.request);
}

/** A copy of the store without one statement of one policy (the store's own NamedPolicy object). */
export function withoutStatement(store: PolicyStore, target: NamedPolicy, statement: number): PolicyStore {
  const strip = (p: NamedPolicy): NamedPolicy =>
    p === target ? { ...p, document: { ...p.document, Statement: p.document.Statement.filter((_, i) => i !== statement) } } : p;
  return {
    ...store,
    roles: new Map([...store.roles].map(([arn, r]) => [arn, { ...r, trust: r.trust === target.document ? strip(target).document : r.trust, policies: r.policies.map(strip) }])),
    resourcePolicies: new Map([...store.resourcePolicies].map(([arn, ps]) => [arn, ps.map(strip)])),
  };
}

import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import { ENVIRONMENT_NAMES, EnvironmentName, loadEnvironmentConfig } from '../../lib/config';
import { denialMessage } from '../../local/iam/evaluate';
import type { Grant } from '../../local/iam/evaluate';
import { collectPolicies } from '../../local/iam/policies';
import type { PolicyStore } from '../../local/iam/policies';
import { ConfigEdge, PolicyEdge, ServiceEdge, edgePrincipal, enumerateServiceEdges, evaluateEdge, withoutStatement } from '../../local/iam/service-edges';
import { TemplateModel, buildTemplateModel, stacksFromSynth } from '../../local/iam/template-model';
import { CDK_CONTEXT } from '../stacks/app-fixture';

/**
 * Issue 12 §2: every service-to-service edge of dev, staging and prod (what AWS services do on the
 * app's behalf and the local copy never executes: alarms publishing, rules invoking and
 * dead-lettering, Lambda assuming roles and writing logs, S3 replicating and logging) is evaluated
 * with the principal, aws:SourceArn and aws:SourceAccount AWS sends, by the same iam-simulate-based
 * evaluator the local copy uses. Each edge is one named test; a second test per edge removes every
 * statement the evaluator reports as allowing it and expects a denial, so no edge passes by accident.
 *
 * Synthesized with a notification e-mail (what deploy.yml passes when BLOB_NOTIFICATION_EMAIL is
 * set), so the SNS → e-mail edges are enumerated too.
 */

interface EnvEdges {
  readonly env: EnvironmentName;
  readonly model: TemplateModel;
  readonly store: PolicyStore;
  readonly edges: readonly ServiceEdge[];
  readonly unknownManagedPolicies: readonly string[];
}

function synthEnv(env: EnvironmentName): EnvEdges {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  buildApp(app, loadEnvironmentConfig(env, { notificationEmail: 'ops@example.com' }));
  const model = buildTemplateModel(stacksFromSynth(app.synth().stacks));
  const unknownManagedPolicies: string[] = [];
  const store = collectPolicies(model.accountId, model.resources, (where, arn) => unknownManagedPolicies.push(`${where}: ${arn}`));
  return { env, model, store, edges: enumerateServiceEdges(model), unknownManagedPolicies };
}

const ENVS = ENVIRONMENT_NAMES.map(synthEnv);

const policyEdges = (e: EnvEdges) => e.edges.filter((x): x is PolicyEdge => x.type === 'policy');
const configEdges = (e: EnvEdges) => e.edges.filter((x): x is ConfigEdge => x.type === 'config');
const count = (e: EnvEdges, type: string) => e.model.resources.filter((r) => r.type === type).length;
const named = (e: EnvEdges, re: RegExp) => e.edges.filter((x) => re.test(x.name));

/**
 * A key-policy statement for the account root only delegates to IAM: with no identity statement
 * allowing the request it grants nothing, so removing it cannot be what denies (the statement that
 * names the caller directly is removed, and must deny, in the same test).
 */
function isRootDelegation(store: PolicyStore, g: Grant, grants: readonly Grant[]): boolean {
  const s = g.policy.document.Statement[g.statement];
  const root = `arn:aws:iam::${store.accountId}:root`;
  const principal = s?.Principal && typeof s.Principal === 'object' && !Array.isArray(s.Principal) ? s.Principal.AWS : undefined;
  return g.policyType === 'resource' && principal === root && !grants.some((o) => o.policyType === 'identity');
}

describe.each(ENVS)('$env: service-to-service edges', (e) => {
  test(`${e.env}: the enumeration covers every alarm, rule, function, replication rule, logged bucket, subscription and custom resource`, () => {
    const names = e.edges.map((x) => x.name);
    expect(new Set(names).size).toBe(names.length);
    expect(e.unknownManagedPolicies).toEqual([]);
    // Every alarm publishes to its region's encrypted operations topic: publish + two key uses each.
    expect(named(e, /^alarm .* → topic blob-\w+-operations \(sns:Publish\)$/)).toHaveLength(count(e, 'AWS::CloudWatch::Alarm'));
    expect(named(e, /^alarm .* → key .* of topic blob-\w+-operations \(kms:(GenerateDataKey|Decrypt)\)$/)).toHaveLength(2 * count(e, 'AWS::CloudWatch::Alarm'));
    const functions = count(e, 'AWS::Lambda::Function');
    expect(named(e, /^rule .* → function .* \(lambda:InvokeFunction\)$/)).toHaveLength(count(e, 'AWS::Lambda::Permission'));
    expect(named(e, /^rule .* → dead-letter queue .* \(sqs:SendMessage\)$/)).toHaveLength(count(e, 'AWS::Events::Rule'));
    expect(named(e, /^lambda → role of function .* \(sts:AssumeRole\)$/)).toHaveLength(functions);
    expect(named(e, /^function .* → log group .* \(logs:(CreateLogStream|PutLogEvents)\)$/)).toHaveLength(2 * functions);
    // Event functions have a DLQ; CDK's custom-resource providers (auto-delete) do not.
    const withDlq = e.model.resources.filter((r) => r.type === 'AWS::Lambda::Function' && r.props.DeadLetterConfig).length;
    expect(named(e, /^function .* async failure → dead-letter queue .* \(sqs:SendMessage\)$/)).toHaveLength(withDlq);
    const custom = e.model.resources.filter((r) => r.type.startsWith('Custom::'));
    expect(named(e, /^cloudformation → custom resource .* provider/)).toHaveLength(custom.length);
    expect(named(e, /^custom resource .*: provider role → bucket /)).toHaveLength(3 * custom.filter((r) => r.type === 'Custom::S3AutoDeleteObjects').length);
    const traced = e.model.resources.filter((r) => r.type === 'AWS::Lambda::Function' && JSON.stringify(r.props.TracingConfig ?? {}).includes('Active')).length;
    expect(named(e, /→ X-Ray \(xray:/)).toHaveLength(2 * traced);
    // Replication of critical/: assume, 2 bucket + 3 source-object + 3 destination-object actions, 1 + 2 key uses.
    expect(named(e, /^s3 → replication role /)).toHaveLength(1);
    expect(named(e, /^replication blob-\w+-storage-.* rule replicate-critical: role → /)).toHaveLength(11);
    expect(named(e, /^s3 server access logs of .* \(s3:PutObject\)$/)).toHaveLength(2);
    expect(named(e, /→ EventBridge default bus of .* \(no policy involved\)$/)).toHaveLength(2);
    expect(named(e, /^topic blob-\w+-(notifications|operations) → email subscription .* \(no policy involved\)$/)).toHaveLength(count(e, 'AWS::SNS::Subscription'));
    // AWS Backup (lib/config.ts backup.enabled): assumes each selection's role.
    expect(named(e, /^backup → role of backup selection .* \(sts:AssumeRole\)$/)).toHaveLength(count(e, 'AWS::Backup::BackupSelection'));
  });

  for (const edge of policyEdges(e)) {
    test(`${e.env}: ${edge.name}`, async () => {
      const d = await evaluateEdge(e.store, edge);
      if (d.allowed !== (edge.expect === 'allow')) {
        const principal = edgePrincipal(e.store, edge.caller);
        throw new Error(
          edge.expect === 'allow'
            ? `${edge.name} would fail on AWS: ${denialMessage(principal, edge.request, d)}${d.policy ? ` (${d.policy})` : ''}`
            : `${edge.name} must be denied (least privilege) but is allowed by ${d.grants?.map((g) => `${g.policy.source} statement ${g.statement + 1}`).join(', ')}`,
        );
      }
    });
  }

  // Roles no AWS service assumes are not service edges: each is classified here and tested where named.
  test(`${e.env}: every role whose trust names no AWS service is classified (the agent role: test/iam/agent-access.test.ts)`, () => {
    const trusted = (r: { trust: { Statement: Array<{ Principal?: unknown }> } }) => JSON.stringify(r.trust.Statement.map((x) => x.Principal ?? null));
    const withoutService = [...e.store.roles.values()].filter((r) => !trusted(r).includes('"Service"')).map((r) => r.name);
    expect(withoutService).toEqual([`blob-${e.env}-agent`]);
  });

  for (const edge of configEdges(e)) {
    test(`${e.env}: ${edge.name}`, () => {
      expect({ edge: edge.name, problem: edge.problem }).toEqual({ edge: edge.name, problem: undefined });
    });
  }

  describe(`${e.env}: removing any allowing statement denies the edge`, () => {
    for (const edge of policyEdges(e).filter((x) => x.expect === 'allow')) {
      test(`${e.env}: ${edge.name}`, async () => {
        const d = await evaluateEdge(e.store, edge);
        expect(d.allowed).toBe(true);
        const grants = d.grants ?? [];
        expect(grants.length).toBeGreaterThan(0);
        const stillAllowed: string[] = [];
        for (const g of grants) {
          if (isRootDelegation(e.store, g, grants)) continue;
          const without = await evaluateEdge(withoutStatement(e.store, g.policy, g.statement), edge);
          if (without.allowed) stillAllowed.push(`${g.policy.source} statement ${g.statement + 1}`);
        }
        expect(stillAllowed).toEqual([]);
      });
    }
  });
});

describe('named removals', () => {
  const dev = ENVS.find((x) => x.env === 'dev') as EnvEdges;
  const edge = (re: RegExp) => policyEdges(dev).find((x) => re.test(x.name)) as PolicyEdge;

  /** Removes the statements that allow `edge` and match `which`, then re-evaluates. */
  async function without(x: PolicyEdge, which: (g: Grant) => boolean) {
    const d = await evaluateEdge(dev.store, x);
    const removed = (d.grants ?? []).filter(which);
    let store = dev.store;
    for (const g of removed) store = withoutStatement(store, g.policy, g.statement);
    return { removed: removed.map((g) => g.policy.name), after: await evaluateEdge(store, x) };
  }

  test('alarms notify the operations topic only while its topic policy allows cloudwatch.amazonaws.com', async () => {
    const x = edge(/^alarm Blob-dev-Pipelines\/UploadProcessor\/Errors → topic blob-dev-operations \(sns:Publish\)$/);
    const { removed, after } = await without(x, (g) => g.policyType === 'resource');
    expect(removed).toEqual(['topic policy']);
    expect(after).toMatchObject({ allowed: false, reason: 'because no resource-based policy allows the sns:Publish action' });
  });

  test('replication encrypts replicas with the destination key only while the replication role allows it', async () => {
    const x = edge(/^replication .* rule replicate-critical: role → destination key Blob-dev-ReplicaStorage\/ReplicaKey \(kms:GenerateDataKey\)$/);
    const { removed, after } = await without(x, (g) => g.policyType === 'identity');
    expect(removed).toHaveLength(1);
    expect(after).toMatchObject({ allowed: false, reason: 'because no identity-based policy allows the kms:GenerateDataKey action' });
  });
});

describe('requirements the lib/ fixes protect', () => {
  const ev = (env: EnvEdges, x: PolicyEdge, context: Record<string, string>) => evaluateEdge(env.store, { ...x, request: { ...x.request, context: { ...x.request.context, ...context } } });

  test('prod: the backup role backs up only the selected tables (not the disposable idempotency table) and grants the vault key to AWS services only', async () => {
    const prod = ENVS.find((x) => x.env === 'prod') as EnvEdges;
    const find = (re: RegExp) => policyEdges(prod).find((x) => re.test(x.name)) as PolicyEdge;
    const start = find(/^backup selection Blob-prod-Storage\/Backup\/Plan\/Tables: role → table blob-prod-audit \(dynamodb:StartAwsBackupJob\)$/);
    expect((await evaluateEdge(prod.store, start)).allowed).toBe(true);
    const idempotency = start.request.resource.replace('blob-prod-audit', 'blob-prod-idempotency');
    expect((await evaluateEdge(prod.store, { ...start, request: { ...start.request, resource: idempotency } })).allowed).toBe(false);
    const grant = find(/^backup selection Blob-prod-Storage\/Backup\/Plan\/Tables: role → key .* of vault blob-prod-backups \(kms:CreateGrant\)$/);
    expect((await evaluateEdge(prod.store, grant)).allowed).toBe(true);
    expect((await ev(prod, grant, { 'kms:GrantIsForAWSResource': 'false' })).allowed).toBe(false);
  });

  describe.each(ENVS)('$env', (e) => {
    const first = (re: RegExp) => policyEdges(e).find((x) => re.test(x.name)) as PolicyEdge;

    test(`${e.env}: only alarms of this account and region may publish to the operations topic (aws:SourceAccount, aws:SourceArn)`, async () => {
      const publish = first(/^alarm Blob-\w+-Pipelines\/.* → topic blob-\w+-operations \(sns:Publish\)$/);
      expect((await evaluateEdge(e.store, publish)).allowed).toBe(true);
      const otherAccount = String(publish.request.context['aws:SourceArn']).replace(e.model.accountId, '210987654321');
      expect((await ev(e, publish, { 'aws:SourceAccount': '210987654321', 'aws:SourceArn': otherAccount })).allowed).toBe(false);
      const otherRegion = String(publish.request.context['aws:SourceArn']).replace(':eu-central-1:', ':us-east-1:');
      expect((await ev(e, publish, { 'aws:SourceArn': otherRegion })).allowed).toBe(false);
    });

    test(`${e.env}: CloudWatch may use the storage key through SNS for the operations topic only, not to encrypt or decrypt anything else`, async () => {
      const key = first(/^alarm Blob-\w+-Pipelines\/.* → key .* of topic blob-\w+-operations \(kms:GenerateDataKey\)$/);
      expect((await evaluateEdge(e.store, key)).allowed).toBe(true);
      const notifications = String(key.request.context['kms:EncryptionContext:aws:sns:topicArn']).replace('-operations', '-notifications');
      expect((await ev(e, key, { 'kms:EncryptionContext:aws:sns:topicArn': notifications })).allowed).toBe(false);
      const { ['kms:EncryptionContext:aws:sns:topicArn']: _topic, ...withoutContext } = key.request.context;
      expect((await evaluateEdge(e.store, { ...key, request: { ...key.request, context: withoutContext } })).allowed).toBe(false);
    });

    test(`${e.env}: the replication role cannot replicate delete markers, which the rule does not replicate (README "Replication")`, async () => {
      const del = first(/\(s3:ReplicateDelete denied: delete markers do not replicate\)$/);
      expect(del.expect).toBe('deny');
      expect((await evaluateEdge(e.store, del)).allowed).toBe(false);
    });
  });
});

/**
 * Runs the project's end-to-end checks (local/demo/pattern-checks.ts, scenario-checks.ts) against a
 * deployment on MiniStack, in a process of its own: the checks build their SDK clients with the
 * project's clientConfig(), and Node trusts MiniStack's self-signed certificate only through
 * NODE_EXTRA_CA_CERTS, which is read once at process start (the jest worker started long before
 * MiniStack generated it). test/ministack/deploy.test.ts runs this with the engine's clientEnv().
 *
 *   tsx test/ministack/checks.ts RUN_ID check [check…]   → one JSON line per check on stdout
 *
 * Scheduled rules are "ticked" by invoking their function with the event EventBridge sends for a
 * schedule: MiniStack does fire cron rules, but only at the scheduled wall-clock minute.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { resourceNames } from '../../lib/config';
import { checkHourlyBatch } from '../../local/demo/pattern-checks';
import { checkArtifacts, checkCodegen, checkDatasetLineage, checkLogAnalysis } from '../../local/demo/scenario-checks';
import type { DemoContext } from '../../local/demo/types';
import { Check, ENV, PRIMARY, REPLICA, client } from './check-support';
import { readBackConfiguration } from './config-checks';
import { checkExactVersion, tick, withAwsEvents } from './event-checks';
import { applyTemplateTags, checkDestroyed, fillVersionedBuckets } from './teardown-checks';

export type { ReadBack } from './config-checks';

/** What a check printed: the DemoResult, or the error it threw. */
export interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly latencyMs?: number;
}

const CHECKS: Record<string, Check> = {
  'exact-version': checkExactVersion,
  'read-back': readBackConfiguration,
  'fill-versioned-buckets': fillVersionedBuckets,
  destroyed: () => checkDestroyed(),
  'apply-template-tags': () => applyTemplateTags(),
  'hourly-batch': checkHourlyBatch,
  codegen: checkCodegen,
  'log-analysis': checkLogAnalysis,
  artifacts: withAwsEvents('ArtifactsDeploy', 'artifacts/', checkArtifacts),
  datasets: checkDatasetLineage,
};

async function parameter(name: string, region: string): Promise<string> {
  const out = await client(SSMClient, region).send(new GetParameterCommand({ Name: name }));
  if (!out.Parameter?.Value) throw new Error(`SSM parameter ${name} missing in ${region}`);
  return out.Parameter.Value;
}

async function main(): Promise<void> {
  const [runId, ...names] = process.argv.slice(2);
  if (!runId || names.length === 0) throw new Error('usage: checks.ts RUN_ID CHECK…');
  const p = resourceNames(ENV).parameters;
  const account = process.env.MINISTACK_ACCOUNT ?? '000000000000';
  const awsEnv: Record<string, string> = {
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
    ACCOUNT: account,
  };
  // After `cdk destroy` the SSM parameters naming the resources are gone; only checks that run
  // against a deployment read them.
  const deployed = names.some((n) => n !== 'destroyed' && n !== 'apply-template-tags');
  const param = (name: string, region: string) => (deployed ? parameter(name, region) : Promise.resolve(''));
  const ctx: DemoContext = {
    env: ENV,
    endpoint: process.env.AWS_ENDPOINT_URL ?? '',
    region: PRIMARY,
    replicaRegion: REPLICA,
    bucket: await param(p.bucketName, PRIMARY),
    replicaBucket: await param(p.replicaBucketName, REPLICA),
    table: await param(p.tableName, PRIMARY),
    replicaTable: await param(p.tableName, REPLICA),
    auditTable: await param(p.auditTableName, PRIMARY),
    topicArn: await param(p.topicArn, PRIMARY),
    awsEnv,
    tick: (rule) => tick(rule, account),
    runId,
  };
  for (const name of names) {
    const check = CHECKS[name];
    let outcome: CheckOutcome;
    if (!check) outcome = { name, ok: false, detail: `unknown check (known: ${Object.keys(CHECKS).join(', ')})` };
    else {
      try {
        const r = await check(ctx);
        outcome = { name, ok: true, detail: r.detail, ...(r.latencyMs !== undefined ? { latencyMs: r.latencyMs } : {}) };
      } catch (err) {
        outcome = { name, ok: false, detail: (err as Error).message };
      }
    }
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}

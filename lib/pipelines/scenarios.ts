import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { PipelineModule } from '../stacks/pipelines-stack';
import { PipelineContext, s3EventPattern } from './context';
import { grantIdempotency, grantKvstoreNamespaces, grantList, grantObjectRead, grantObjectWrite, grantPublish } from '../constructs/grants';

/**
 * The seed's four real-world scenarios, one module each. Every function gets only its own
 * prefixes and kvstore namespaces.
 */
function notifications(ctx: PipelineContext): sns.ITopic {
  if (!ctx.notificationTopic) throw new Error('scenario modules need the notification topic (primary region only)');
  return ctx.notificationTopic;
}

const created = (ctx: PipelineContext, prefix: string) => s3EventPattern(ctx.bucket, ['Object Created'], [{ prefix }]);

/** Scenario 1: validate each codegen component; merge a complete session once. */
export const codegenScenario: PipelineModule = (ctx) => {
  const fn = ctx.eventFunction('CodegenValidate', {
    handler: 'codegen-validate',
    description: 'Scenario 1: validate codegen/session-*/ components, merge a complete session into merged/ once',
    // merged/ output also matches (a pattern cannot AND a prefix with an exclusion on one field);
    // the handler ignores it before any read or write.
    eventPattern: created(ctx, 'codegen/session-'),
  }).function;
  const objects = { bucket: ctx.bucket, key: ctx.encryptionKey };
  grantObjectRead(fn, { ...objects, prefixes: ['codegen/session-'] });
  grantObjectWrite(fn, { ...objects, prefixes: ['codegen/session-*/merged/'] });
  grantKvstoreNamespaces(fn, ctx.kvstoreTable, ctx.encryptionKey, ['codegen']);
  grantPublish(fn, notifications(ctx), ctx.encryptionKey);
  grantIdempotency(fn, ctx.idempotencyTable, ctx.encryptionKey, 'codegen-validate');
};

/** Scenario 2: hourly ERROR collection over logs/<hour>/, alert above config.thresholds.errorSpike. */
export const logAnalysisScenario: PipelineModule = (ctx) => {
  // S3 Select is closed to new AWS customers; accounts that still have it opt in with -c logAnalysisEngine=select.
  const engine = ctx.scope.node.tryGetContext('logAnalysisEngine') === 'select' ? 'select' : 'stream';
  const fn = ctx.eventFunction('LogAnalysis', {
    handler: 'logs-analyze',
    description: 'Scenario 2: hourly ERROR lines of logs/<hour>/ into analytics/errors-<hour>.json; alert/error-spike above threshold',
    // Five minutes past the hour, so agents have closed the previous hour's files.
    schedule: events.Schedule.cron({ minute: '5' }),
    memorySize: ctx.config.processorMemoryMb,
    timeout: Duration.minutes(15),
    environment: {
      ERROR_SPIKE_THRESHOLD: String(ctx.config.thresholds.errorSpike),
      LOG_ANALYSIS_ENGINE: engine,
      LOG_ANALYSIS_CONCURRENCY: '4',
    },
  }).function;
  const objects = { bucket: ctx.bucket, key: ctx.encryptionKey };
  grantList(fn, { ...objects, prefixes: ['logs/'] });
  grantObjectRead(fn, { ...objects, prefixes: ['logs/'] });
  grantObjectWrite(fn, { ...objects, prefixes: ['analytics/errors-'] });
  grantKvstoreNamespaces(fn, ctx.kvstoreTable, ctx.encryptionKey, ['alert']);
  grantPublish(fn, notifications(ctx), ctx.encryptionKey);
};

/** Scenario 3: record deployments of artifacts/<version>/ and keep a rollback reference per version. */
export const artifactsScenario: PipelineModule = (ctx) => {
  const fn = ctx.eventFunction('ArtifactsDeploy', {
    handler: 'artifacts-deploy',
    description: 'Scenario 3: artifacts/<version>/ uploads set deployment/latest-*, count deploys, store rollback references',
    eventPattern: created(ctx, 'artifacts/'),
  }).function;
  grantObjectRead(fn, { bucket: ctx.bucket, key: ctx.encryptionKey, prefixes: ['artifacts/'] });
  grantKvstoreNamespaces(fn, ctx.kvstoreTable, ctx.encryptionKey, ['deployment']);
  grantPublish(fn, notifications(ctx), ctx.encryptionKey);
  grantIdempotency(fn, ctx.idempotencyTable, ctx.encryptionKey, 'artifacts-deploy');
};

/** Scenario 4: verify datasets/<version>/ against hash/rows metadata; link models/<ver>/ to their dataset. */
export const datasetLineageScenario: PipelineModule = (ctx) => {
  const verify = ctx.eventFunction('DatasetsVerify', {
    handler: 'datasets-verify',
    description: 'Scenario 4: stream-verify datasets/<version>/ uploads against their sha256 and rows metadata',
    eventPattern: created(ctx, 'datasets/'),
    memorySize: ctx.config.processorMemoryMb,
    timeout: Duration.minutes(15),
  }).function;
  grantObjectRead(verify, { bucket: ctx.bucket, key: ctx.encryptionKey, prefixes: ['datasets/'] });
  grantKvstoreNamespaces(verify, ctx.kvstoreTable, ctx.encryptionKey, ['dataset', 'alert']);
  grantPublish(verify, notifications(ctx), ctx.encryptionKey);
  grantIdempotency(verify, ctx.idempotencyTable, ctx.encryptionKey, 'datasets-verify');

  const lineage = ctx.eventFunction('ModelsLineage', {
    handler: 'models-lineage',
    description: 'Scenario 4: link models/<ver>/ uploads to their dataset_version in kvstore lineage/',
    eventPattern: created(ctx, 'models/'),
  }).function;
  grantObjectRead(lineage, { bucket: ctx.bucket, key: ctx.encryptionKey, prefixes: ['models/'] });
  grantKvstoreNamespaces(lineage, ctx.kvstoreTable, ctx.encryptionKey, ['lineage']);
  grantIdempotency(lineage, ctx.idempotencyTable, ctx.encryptionKey, 'models-lineage');
};

export const SCENARIO_MODULES: PipelineModule[] = [codegenScenario, logAnalysisScenario, artifactsScenario, datasetLineageScenario];

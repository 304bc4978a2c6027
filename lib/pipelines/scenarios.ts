import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { PipelineModule } from '../stacks/pipelines-stack';
import { PipelineContext, s3EventPattern } from './context';
import { grantFootprint } from './footprint';
import { ARTIFACTS, CODEGEN, DATASETS_VERIFY, LOG_ANALYSIS, MODELS_LINEAGE, SETTING_ENV } from '../../core/pipelines';

/**
 * The seed's four real-world scenarios, one module each. Every function gets only its own
 * prefixes and kvstore namespaces.
 */
const created = (ctx: PipelineContext, prefix: string) => s3EventPattern(ctx.bucket, ['Object Created'], [{ prefix }]);

/** Scenario 1: validate each codegen component; merge a complete session once. */
export const codegenScenario: PipelineModule = (ctx) => {
  const fn = ctx.eventFunction('CodegenValidate', {
    handler: CODEGEN.handler,
    description: 'Scenario 1: validate codegen/session-*/ components, merge a complete session into merged/ once',
    // merged/ output also matches (a pattern cannot AND a prefix with an exclusion on one field);
    // the handler ignores it before any read or write.
    eventPattern: created(ctx, 'codegen/session-'),
  }).function;
  grantFootprint(ctx, fn, CODEGEN);
};

/** Scenario 2: hourly ERROR collection over logs/<hour>/, alert above config.thresholds.errorSpike. */
export const logAnalysisScenario: PipelineModule = (ctx) => {
  // S3 Select is closed to new AWS customers; accounts that still have it opt in with -c logAnalysisEngine=select.
  const engine = ctx.scope.node.tryGetContext('logAnalysisEngine') === 'select' ? 'select' : 'stream';
  const fn = ctx.eventFunction('LogAnalysis', {
    handler: LOG_ANALYSIS.handler,
    description: 'Scenario 2: hourly ERROR lines of logs/<hour>/ into analytics/errors-<hour>.json; alert/error-spike above threshold',
    // Five minutes past the hour, so agents have closed the previous hour's files.
    schedule: events.Schedule.cron({ minute: '5' }),
    memorySize: ctx.config.processorMemoryMb,
    timeout: Duration.minutes(15),
    environment: {
      [SETTING_ENV.errorSpikeThreshold]: String(ctx.config.thresholds.errorSpike),
      [SETTING_ENV.logAnalysisEngine]: engine,
      [SETTING_ENV.logAnalysisConcurrency]: '4',
    },
  }).function;
  grantFootprint(ctx, fn, LOG_ANALYSIS);
};

/** Scenario 3: record deployments of artifacts/<version>/ and keep a rollback reference per version. */
export const artifactsScenario: PipelineModule = (ctx) => {
  const fn = ctx.eventFunction('ArtifactsDeploy', {
    handler: ARTIFACTS.handler,
    description: 'Scenario 3: artifacts/<version>/ uploads set deployment/latest-*, count deploys, store rollback references',
    eventPattern: created(ctx, 'artifacts/'),
  }).function;
  grantFootprint(ctx, fn, ARTIFACTS);
};

/** Scenario 4: verify datasets/<version>/ against hash/rows metadata; link models/<ver>/ to their dataset. */
export const datasetLineageScenario: PipelineModule = (ctx) => {
  const verify = ctx.eventFunction('DatasetsVerify', {
    handler: DATASETS_VERIFY.handler,
    description: 'Scenario 4: stream-verify datasets/<version>/ uploads against their sha256 and rows metadata',
    eventPattern: created(ctx, 'datasets/'),
    memorySize: ctx.config.processorMemoryMb,
    timeout: Duration.minutes(15),
  }).function;
  grantFootprint(ctx, verify, DATASETS_VERIFY);

  const lineage = ctx.eventFunction('ModelsLineage', {
    handler: MODELS_LINEAGE.handler,
    description: 'Scenario 4: link models/<ver>/ uploads to their dataset_version in kvstore lineage/',
    eventPattern: created(ctx, 'models/'),
  }).function;
  grantFootprint(ctx, lineage, MODELS_LINEAGE);
};

export const SCENARIO_MODULES: PipelineModule[] = [codegenScenario, logAnalysisScenario, artifactsScenario, datasetLineageScenario];

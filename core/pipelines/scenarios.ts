import { RESOURCE_ENV as R, SETTING_ENV as S, defineDescriptor, objectEventPipeline } from './descriptor';

/** Scenario 1: validate the components of codegen/session-<id>/; merge a complete session into its merged/ once. */
export const CODEGEN = objectEventPipeline(
  'codegen-validate',
  { read: ['codegen/session-'], write: ['codegen/session-*/merged/'] },
  ['codegen'],
  { publishes: true },
);

/** Scenario 2: hourly ERROR lines of logs/<hour>/ into analytics/errors-<hour>.json; alert/ above threshold. */
export const LOG_ANALYSIS = defineDescriptor({
  handler: 'logs-analyze',
  objects: { list: ['logs/'], read: ['logs/'], write: ['analytics/errors-'] },
  kvstore: { namespaces: ['alert'], access: 'readwrite' },
  publishes: true,
  env: [R.bucket, R.kvstore, R.topic, S.errorSpikeThreshold, S.logAnalysisEngine, S.logAnalysisConcurrency],
});

/** Scenario 3: artifacts/<version>/ uploads → deployment/ records, counters and rollback references. */
export const ARTIFACTS = objectEventPipeline('artifacts-deploy', { read: ['artifacts/'] }, ['deployment'], { publishes: true });

/** Scenario 4a: stream-verify datasets/<version>/ against their metadata; dataset/ records, alert/ on mismatch. */
export const DATASETS_VERIFY = objectEventPipeline('datasets-verify', { read: ['datasets/'] }, ['dataset', 'alert'], { publishes: true });

/** Scenario 4b: link models/<ver>/ uploads to their dataset_version under lineage/; rejections recorded there and notified. */
export const MODELS_LINEAGE = objectEventPipeline('models-lineage', { read: ['models/'] }, ['lineage'], { publishes: true });

import { MODELS_LINEAGE } from '../core/pipelines';
import { datasetModelKey, modelLineageKey, modelName, parseModelKey } from './scenarios/datasets';
import { setIfNewer } from './shared/exactly-once';
import { headObject, kvstore, logger, objectEventHandler } from './shared/kit';

/**
 * Scenario 4b: links a model upload to the dataset version it was trained on, in both directions,
 * so "models of dataset v1.0.0" and "dataset of model v1.0/model.pkl" are one kvstore Query/Get
 * each instead of listing the bucket and reading every object's metadata.
 */
export const handler = objectEventHandler(MODELS_LINEAGE.handler, async ({ identity, event }) => {
  const model = parseModelKey(identity.key);
  if (!model) return { skipped: true };
  const head = await headObject(identity);
  const datasetVersion = head.Metadata?.dataset_version;
  if (!datasetVersion || datasetVersion.includes('/')) {
    logger.error(`model ${identity.key} has no usable dataset_version metadata: re-upload with --metadata dataset_version=<datasets/ version>`);
    return { rejected: 'missing dataset_version' };
  }
  const link = {
    model: modelName(model),
    key: identity.key,
    versionId: identity.versionId ?? null,
    dataset: datasetVersion,
    datasetPrefix: `datasets/${datasetVersion}/`,
    trainedAt: head.Metadata?.training_time ?? null,
    linkedAt: event.time,
  };
  const kv = kvstore();
  const previous = (await kv.get(modelLineageKey(model)))?.value;
  // A model re-uploaded with another dataset leaves the old dataset's list, in the same transaction.
  const prevDataset = previous && typeof previous === 'object' && !Array.isArray(previous) ? previous.dataset : undefined;
  const stale = typeof prevDataset === 'string' && prevDataset !== datasetVersion ? [datasetModelKey(prevDataset, model)] : [];
  const { applied } = await setIfNewer(
    kv,
    [
      { key: modelLineageKey(model), value: link },
      { key: datasetModelKey(datasetVersion, model), value: link },
    ],
    event,
    stale,
  );
  return { model: link.model, dataset: datasetVersion, applied };
});

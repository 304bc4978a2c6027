import { MODELS_LINEAGE } from '../core/pipelines';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type { ObjectIdentity } from '../core/s3-events';
import { datasetModelKey, lineageRejectionKey, modelLineageKey, modelName, parseModelKey, versionedKeyProblem } from './scenarios/datasets';
import { recordRejection } from './shared/rejection';
import { setIfNewer } from './shared/exactly-once';
import { headObject, isUnreadable, kvstore, objectEventHandler } from './shared/kit';

/**
 * Scenario 4b: links a model upload to the dataset version it was trained on, in both directions,
 * so "models of dataset v1.0.0" and "dataset of model v1.0/model.pkl" are one kvstore Query/Get
 * each instead of listing the bucket and reading every object's metadata.
 */
/** Rejections are recorded (lineage/rejected/<key>@<version>) and notified once as models.rejected, never only logged. */
async function reject(identity: ObjectIdentity, reason: string, short: string): Promise<{ rejected: string }> {
  const versionId = identity.versionId ?? identity.sequencer ?? 'unversioned';
  await recordRejection(lineageRejectionKey(identity.key, versionId), identity, { event: 'models.rejected', subject: `model rejected: ${identity.key}`, scenario: 'models', reason });
  return { rejected: short };
}

export const handler = objectEventHandler(MODELS_LINEAGE.handler, async ({ identity, event }) => {
  const model = parseModelKey(identity.key);
  if (!model) {
    const problem = versionedKeyProblem('models', identity.key);
    return problem ? reject(identity, problem, 'not a model key') : { skipped: true };
  }
  let head: HeadObjectCommandOutput;
  try {
    head = await headObject(identity);
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    return reject(identity, err.message, 'unreadable');
  }
  const datasetVersion = head.Metadata?.dataset_version;
  // eslint-disable-next-line no-control-regex
  if (!datasetVersion || datasetVersion.includes('/') || /[\u0000-\u001f\u007f]/.test(datasetVersion)) {
    const reason = `model ${identity.key} has no usable dataset_version metadata: re-upload with --metadata dataset_version=<datasets/ version>`;
    return reject(identity, reason, 'missing dataset_version');
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

import { ARTIFACTS } from '../core/pipelines';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { LATEST_COMMIT, LATEST_VERSION, TOTAL_DEPLOYS, artifactKeyProblem, checkDeployMetadata, deployLogKey, parseArtifactKey, rejectionKey } from './scenarios/artifacts';
import { RollbackRef, rollbackKey } from '../core/rollback';
import { incrementOnce, setIfNewer } from './shared/exactly-once';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { identityKey, ObjectIdentity } from '../core/s3-events';
import { headObject, isUnreadable, kvstore, metrics, notifyOnce, objectEventHandler } from './shared/kit';
import { recordRejection } from './shared/rejection';

/**
 * A rejection is recorded where a user looks, not only logged: the kvstore record
 * deployment/rejected/<file>@<version> holds the reason and the object key, and artifacts.rejected
 * is published once for it. Nothing of the deployment state changes.
 */
async function reject(identity: ObjectIdentity, reason: string): Promise<{ rejected: string }> {
  const versionId = identity.versionId ?? identity.sequencer ?? 'unversioned';
  const outcome = await recordRejection(rejectionKey(identity.key, versionId), identity, {
    event: 'artifacts.rejected',
    subject: `artifact rejected: ${identity.key}`,
    scenario: 'artifacts',
    reason,
  });
  metrics.addMetric('ArtifactsRejected', MetricUnit.Count, outcome === 'published' ? 1 : 0);
  return { rejected: reason };
}

/**
 * Scenario 3: records a deployed artifact version. latest-version/latest-commit move only forward
 * in event order (a late or replayed older event cannot regress them); total-deploys counts each
 * object version once; the rollback reference names the exact object version, so a download link
 * can be minted whenever one is needed (tools/rollback-link.ts) instead of storing a URL that
 * expires.
 */
export const handler = objectEventHandler(ARTIFACTS.handler, async ({ identity, event }) => {
  const artifact = parseArtifactKey(identity.key);
  if (!artifact) {
    const problem = artifactKeyProblem(identity.key);
    return problem ? reject(identity, problem) : { skipped: true };
  }
  if (!identity.versionId) return reject(identity, `event for ${identity.key} has no version-id: the bucket must be versioned for rollback references`);
  // User metadata is not in the event: read it from the exact version the event names.
  let head: HeadObjectCommandOutput;
  try {
    head = await headObject(identity);
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    return reject(identity, err.message);
  }
  const check = checkDeployMetadata(artifact, head.Metadata);
  if (!check.ok) return reject(identity, check.reason);
  const kv = kvstore();
  const ref: RollbackRef = {
    bucket: identity.bucket,
    key: identity.key,
    versionId: identity.versionId,
    version: check.meta.version,
    commit: check.meta.commit,
    deployedAt: event.time,
  };
  const latest = await setIfNewer(kv, [
    { key: LATEST_VERSION, value: check.meta.version },
    { key: LATEST_COMMIT, value: check.meta.commit },
  ], event);
  const rollback = await setIfNewer(kv, [{ key: rollbackKey(artifact.version), value: ref }], event);
  const counted = await incrementOnce(kv, TOTAL_DEPLOYS, 1, identityKey(identity));
  const notified = await notifyOnce(
    deployLogKey(artifact, identity.versionId),
    {
      event: 'artifacts.deployed',
      subject: `deployed ${check.meta.version} (${check.meta.commit.slice(0, 12)})`,
      body: { scenario: 'artifacts', ...ref, rollback: `kvstore get ${rollbackKey(artifact.version)}  # then: npx tsx tools/rollback-link.ts ${artifact.version}` },
    },
    { owner: identityKey(identity), record: { ...ref } },
  );
  metrics.addMetric('ArtifactsDeployed', MetricUnit.Count, counted.applied ? 1 : 0);
  return { version: check.meta.version, latest: latest.applied, rollback: rollback.applied, counted: counted.applied, notified };
});

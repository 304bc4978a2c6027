import { ARTIFACTS } from '../core/pipelines';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { LATEST_COMMIT, LATEST_VERSION, TOTAL_DEPLOYS, checkDeployMetadata, deployLogKey, parseArtifactKey } from './scenarios/artifacts';
import { RollbackRef, rollbackKey } from '../core/rollback';
import { incrementOnce, setIfNewer } from './shared/exactly-once';
import { identityKey } from '../core/s3-events';
import { headObject, kvstore, logger, metrics, notifyOnce, objectEventHandler } from './shared/kit';

/**
 * Scenario 3: records a deployed artifact version. latest-version/latest-commit move only forward
 * in event order (a late or replayed older event cannot regress them); total-deploys counts each
 * object version once; the rollback reference names the exact object version, so a download link
 * can be minted whenever one is needed (tools/rollback-link.ts) instead of storing a URL that
 * expires.
 */
export const handler = objectEventHandler(ARTIFACTS.handler, async ({ identity, event }) => {
  const artifact = parseArtifactKey(identity.key);
  if (!artifact) return { skipped: true };
  if (!identity.versionId) throw new Error(`event for ${identity.key} has no version-id: the bucket must be versioned for rollback references`);
  // User metadata is not in the event: read it from the exact version the event names.
  const head = await headObject(identity);
  const check = checkDeployMetadata(artifact, head.Metadata);
  if (!check.ok) {
    logger.error(check.reason);
    metrics.addMetric('ArtifactsRejected', MetricUnit.Count, 1);
    return { rejected: check.reason };
  }
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

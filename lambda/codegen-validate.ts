import { CODEGEN } from '../core/pipelines';
import { CopyObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createHash } from 'node:crypto';
import {
  ComponentStatus,
  MAX_COMPONENT_BYTES,
  MERGE_REPORT,
  decideMerge,
  mergeRecordKey,
  mergeReport,
  codegenKeyProblem,
  mergedKeyProblem,
  mergedObjectKey,
  parseCodegenKey,
  rejectionKey,
  sessionPrefix,
  statusKey,
  validateComponent,
} from './scenarios/codegen';
import { publishOnce, setIfNewer } from './shared/exactly-once';
import { identityKey } from '../core/s3-events';
import type { KvValue } from '../core/kvstore';
import { recordRejection } from './shared/rejection';
import { clients, isUnreadable, kvstore, logger, metricName, metrics, objectEventHandler, openObject, publish, readBounded } from './shared/kit';

/**
 * Scenario 1: validates each component uploaded under codegen/session-<id>/ and, once the
 * session's expected components are all present and valid, merges them into merged/ exactly once.
 */
export const handler = objectEventHandler(CODEGEN.handler, async ({ identity, event }) => {
  const target = parseCodegenKey(identity.key);
  const versionId = identity.versionId ?? identity.sequencer ?? 'unversioned';
  const reject = (reason: string) =>
    recordRejection(rejectionKey(identity.key, versionId), identity, { event: 'codegen.rejected', subject: `codegen upload rejected: ${identity.key}`, scenario: 'codegen', reason });
  if (!target) {
    // The rule cannot AND a prefix with an exclusion on the same field; merged/ output lands here.
    const problem = codegenKeyProblem(identity.key);
    if (!problem) return { skipped: true };
    return { skipped: true, rejected: problem, notified: await reject(problem) };
  }
  const kv = kvstore();
  // Never read more than the bound: one byte over it is enough to know the file is too large.
  const readable = identity.size === undefined || (identity.size > 0 && identity.size <= MAX_COMPONENT_BYTES);
  let bytes: Buffer = Buffer.alloc(0);
  // A version deleted or archived before this read is an invalid component with that reason, not a dead letter.
  let unreadable: string | undefined;
  try {
    if (readable) bytes = await readBounded((await openObject(identity, `bytes=0-${MAX_COMPONENT_BYTES}`)).body, MAX_COMPONENT_BYTES + 1);
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    unreadable = err.message;
  }
  const problem = unreadable ?? mergedKeyProblem(target);
  const checked = problem
    ? { file: target.file, size: identity.size ?? bytes.length, status: 'invalid' as const, parser: 'none', reason: problem }
    : validateComponent(target.file, bytes, Math.max(identity.size ?? 0, bytes.length));
  const status: ComponentStatus = {
    ...checked,
    ...(bytes.length ? { sha256: createHash('sha256').update(bytes).digest('hex') } : {}),
    ...(identity.versionId ? { versionId: identity.versionId } : {}),
    checkedAt: new Date().toISOString(),
  };
  const { applied } = await setIfNewer(kv, [{ key: statusKey(target), value: status as unknown as KvValue }], event);
  metrics.addMetric(metricName('codegen', status.status), MetricUnit.Count, 1);
  // Recorded in the component's status above and announced once (codegen.rejected), not only logged.
  if (status.status === 'invalid') await reject(`component ${target.file} of session ${target.session} is invalid: ${status.reason ?? 'unknown'}`);
  // Not applied means a newer version of this file is already recorded, or this is a retry after a
  // crash: evaluate the session anyway, or a crash between the two steps would never merge.
  const statuses: ComponentStatus[] = [];
  const recordKey = mergeRecordKey(target.session);
  for await (const item of kv.list(sessionPrefix(target.session))) {
    if (item.key !== recordKey) statuses.push(item.value as unknown as ComponentStatus);
  }
  const decision = decideMerge(statuses);
  if (!decision.ready) return { file: target.file, status: status.status, ...(applied ? {} : { stale: true }), merge: decision.reason };

  const report = mergeReport(target.session, decision, new Date().toISOString());
  // merge-once: the decision above is the join; the merge is one publishOnce of idempotent writes.
  const record = { components: decision.expected, expectedFrom: decision.source };
  const outcome = await publishOnce(kv, recordKey, { owner: identityKey(identity), record }, async () => {
    // Server-side copies of the exact validated versions: no bytes pass through the function.
    for (const c of decision.components) {
      const source = `${identity.bucket}/${encodeURIComponent(`${sessionPrefix(target.session)}${c.file}`)}${c.versionId ? `?versionId=${encodeURIComponent(c.versionId)}` : ''}`;
      await clients.s3.send(new CopyObjectCommand({ Bucket: identity.bucket, Key: mergedObjectKey(target.session, c.file), CopySource: source }));
    }
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: identity.bucket,
        Key: mergedObjectKey(target.session, MERGE_REPORT),
        Body: `${JSON.stringify(report, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
    return publish(
      {
        event: 'codegen.merged',
        subject: `codegen session ${target.session} merged`,
        body: { scenario: 'codegen', session: target.session, merged: `s3://${identity.bucket}/${sessionPrefix(target.session)}merged/`, components: decision.expected },
      },
      recordKey,
    );
  });
  logger.info(`session ${target.session}: merge ${outcome}`);
  return { file: target.file, status: status.status, ...(applied ? {} : { stale: true }), merge: outcome };
});

import { DATASETS_VERIFY } from '../core/pipelines';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parquetMetadataAsync } from 'hyparquet';
import {
  Measured,
  compareDataset,
  datasetStatusKey,
  expectedFromMetadata,
  measureStream,
  mismatchAlertKey,
  parseDatasetKey,
  rowCountingFor,
} from './scenarios/datasets';
import { setIfNewer } from './shared/exactly-once';
import { identityKey, ObjectIdentity } from '../core/s3-events';
import { headObject, kvstore, logger, metricName, metrics, notifyOnce, objectEventHandler, openObject, readBounded } from './shared/kit';

/**
 * Scenario 4a: verifies a dataset upload against its `hash` and `rows` metadata by streaming the
 * exact object version once (sha256 + row count); a mismatch is recorded and alerted once.
 * Parquet row counts come from the footer (hyparquet over ranged reads), not a scan.
 */
async function parquetRows(identity: ObjectIdentity, size: number): Promise<number> {
  const file = {
    byteLength: size,
    slice: async (start: number, end?: number): Promise<ArrayBuffer> => {
      const last = (end ?? size) - 1;
      const buf = await readBounded((await openObject(identity, `bytes=${start}-${last}`)).body, last - start + 1);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
    },
  };
  const meta = await parquetMetadataAsync(file);
  return Number(meta.num_rows);
}

export const handler = objectEventHandler(DATASETS_VERIFY.handler, async ({ identity, event }) => {
  const dataset = parseDatasetKey(identity.key);
  if (!dataset) return { skipped: true };
  const head = await headObject(identity);
  const expected = expectedFromMetadata(head.Metadata);
  const counting = rowCountingFor(dataset.file);
  const size = Number(head.ContentLength ?? identity.size ?? 0);
  let measured: Measured = await measureStream((await openObject(identity)).body, counting === 'parquet' ? 'none' : counting);
  if (counting === 'parquet') {
    try {
      measured = { ...measured, rows: await parquetRows(identity, size) };
    } catch (err) {
      logger.warn(`parquet footer unreadable, rows not checked: ${(err as Error).message}`);
    }
  }
  const verdict = compareDataset(expected, measured);
  const record = {
    status: verdict.status,
    problems: verdict.problems,
    expected: { hash: expected.hash ?? null, rows: expected.rows ?? null },
    actual: { sha256: measured.sha256, rows: measured.rows ?? null, bytes: measured.bytes },
    versionId: identity.versionId ?? null,
    checkedAt: new Date().toISOString(),
  };
  const kv = kvstore();
  await setIfNewer(kv, [{ key: datasetStatusKey(dataset), value: record }], event);
  metrics.addMetric(metricName('datasets', verdict.status), MetricUnit.Count, 1);
  let alert = 'none';
  if (verdict.status === 'mismatch') {
    logger.error(`dataset ${identity.key} does not match its metadata: ${verdict.problems.join('; ')}`);
    alert = await notifyOnce(
      mismatchAlertKey(dataset, identity.versionId ?? identity.sequencer ?? 'unversioned'),
      {
        event: 'datasets.mismatch',
        subject: `dataset ${dataset.version}/${dataset.file} does not match its metadata`,
        body: { scenario: 'datasets', object: `s3://${identity.bucket}/${identity.key}`, ...record },
      },
      { owner: identityKey(identity), record },
    );
  }
  return { status: verdict.status, alert, problems: verdict.problems };
});

import { DATASETS_VERIFY } from '../core/pipelines';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parquetMetadataAsync } from 'hyparquet';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import {
  DatasetStatus,
  Measured,
  RowCounting,
  compareDataset,
  datasetRejectionKey,
  datasetStatusKey,
  expectedFromMetadata,
  measureStream,
  mismatchAlertKey,
  parseDatasetKey,
  rowCountingFor,
  versionedKeyProblem,
} from './scenarios/datasets';
import { recordRejection } from './shared/rejection';
import { setIfNewer } from './shared/exactly-once';
import { identityKey, ObjectIdentity } from '../core/s3-events';
import { headObject, isUnreadable, kvstore, logger, metricName, metrics, notifyOnce, objectEventHandler, openObject, readBounded } from './shared/kit';

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

/** Parquet files begin and end with these four bytes; anything else named .parquet is not Parquet. */
const PARQUET_MAGIC = 'PAR1';
/** How much of a text format's head is checked for NUL bytes (binary content). */
const TEXT_SNIFF_BYTES = 8192;

/**
 * What contradicts the format the file name declares, checked on a few ranged bytes before the
 * stream: a `.parquet` without PAR1 at head and tail, a `.csv`/`.jsonl` with NUL bytes (binary).
 * Such a file is "unverifiable", never "verified", even when its hash matches.
 */
async function formatProblem(identity: ObjectIdentity, counting: RowCounting, size: number): Promise<string | undefined> {
  if (counting === 'parquet') {
    if (size < 12) return `${size} bytes is too small for a Parquet file (magic PAR1 at head and tail, a footer between)`;
    const head = (await readBounded((await openObject(identity, 'bytes=0-3')).body, 4)).toString('latin1');
    const tail = (await readBounded((await openObject(identity, `bytes=${size - 4}-${size - 1}`)).body, 4)).toString('latin1');
    if (head !== PARQUET_MAGIC || tail !== PARQUET_MAGIC) return `named .parquet but not Parquet: no PAR1 magic at ${head !== PARQUET_MAGIC ? 'the head' : 'the tail'}`;
    return undefined;
  }
  if (counting === 'csv' || counting === 'jsonl') {
    if (size === 0) return undefined;
    const sample = await readBounded((await openObject(identity, `bytes=0-${Math.min(size, TEXT_SNIFF_BYTES) - 1}`)).body, TEXT_SNIFF_BYTES);
    if (sample.includes(0)) return `named .${counting} but binary: NUL bytes in the first ${sample.length} bytes`;
  }
  return undefined;
}

export const handler = objectEventHandler(DATASETS_VERIFY.handler, async ({ identity, event }) => {
  const dataset = parseDatasetKey(identity.key);
  const versionId = identity.versionId ?? identity.sequencer ?? 'unversioned';
  const reject = async (reason: string) => ({
    status: 'rejected',
    alert: await recordRejection(datasetRejectionKey('rejected', identity.key, versionId), identity, { event: 'datasets.rejected', subject: `dataset rejected: ${identity.key}`, scenario: 'datasets', reason }),
    problems: [reason],
  });
  if (!dataset) {
    const problem = versionedKeyProblem('datasets', identity.key);
    return problem ? reject(problem) : { skipped: true };
  }
  let head: HeadObjectCommandOutput;
  try {
    head = await headObject(identity);
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    return reject(err.message);
  }
  const expected = expectedFromMetadata(head.Metadata);
  const counting = rowCountingFor(dataset.file);
  const size = Number(head.ContentLength ?? identity.size ?? 0);
  let unverifiable: string | undefined;
  let measured: Measured;
  try {
    unverifiable = await formatProblem(identity, counting, size);
    measured = await measureStream((await openObject(identity)).body, unverifiable || counting === 'parquet' ? 'none' : counting).catch(async (err: Error & { code?: unknown }) => {
      // csv-parse refuses what is not CSV (an unclosed quote across the file): the content contradicts the name.
      if (typeof err.code !== 'string' || !err.code.startsWith('CSV_')) throw err;
      unverifiable = `not readable as ${counting}: ${err.message}`;
      return measureStream((await openObject(identity)).body, 'none');
    });
    if (counting === 'parquet' && !unverifiable) {
      try {
        measured = { ...measured, rows: await parquetRows(identity, size) };
      } catch (err) {
        if (isUnreadable(err)) throw err;
        unverifiable = `parquet footer unreadable: ${(err as Error).message}`;
      }
    }
  } catch (err) {
    // Deleted or archived between the HEAD and the reads.
    if (!isUnreadable(err)) throw err;
    return reject(err.message);
  }
  const verdict: { status: DatasetStatus; problems: string[] } = unverifiable ? { status: 'unverifiable', problems: [unverifiable] } : compareDataset(expected, measured);
  const record = {
    status: verdict.status,
    problems: verdict.problems,
    objectKey: identity.key,
    expected: { hash: expected.hash ?? null, rows: expected.rows ?? null },
    actual: { sha256: measured.sha256, rows: measured.rows ?? null, bytes: measured.bytes },
    versionId: identity.versionId ?? null,
    checkedAt: new Date().toISOString(),
  };
  const kv = kvstore();
  await setIfNewer(kv, [{ key: datasetStatusKey(dataset), value: record }], event);
  metrics.addMetric(metricName('datasets', verdict.status), MetricUnit.Count, 1);
  let alert = 'none';
  if (verdict.status === 'unverifiable') {
    alert = await recordRejection(datasetRejectionKey('unverifiable', identity.key, versionId), identity, {
      event: 'datasets.unverifiable',
      subject: `dataset ${dataset.version}/${dataset.file} is unverifiable`,
      scenario: 'datasets',
      status: 'unverifiable',
      reason: verdict.problems.join('; '),
    });
  }
  if (verdict.status === 'mismatch') {
    logger.error(`dataset ${identity.key} does not match its metadata: ${verdict.problems.join('; ')}`);
    alert = await notifyOnce(
      mismatchAlertKey(dataset, versionId),
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

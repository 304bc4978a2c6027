import { UPLOAD_PROCESSING } from '../../core/pipelines';
import { namespaced } from '../shared/footprint';
import type { KvValue } from '../../core/kvstore';
import type { ObjectIdentity } from '../../core/s3-events';
import type { ColumnInsights } from './insights';
import type { StreamAnalysis } from './analyze';

/**
 * What pattern 1 stores under `analysis/<key>` and what its notification says. Pure, so the
 * handler, the CLIs and the tests agree on the shape.
 */
export type AnalysisRecord =
  | ({ status: 'succeeded' } & AnalysisCommon & Omit<StreamAnalysis, 'columns'> & { columns: ColumnInsights[]; columnsTruncated?: number })
  | ({ status: 'failed'; reason: string } & AnalysisCommon);

interface AnalysisCommon {
  bucket: string;
  key: string;
  versionId?: string;
  analyzedAt: string;
}

/** DynamoDB items stop at 400 KB; the record stays well below so the write never fails on size. */
export const MAX_RECORD_BYTES = 300 * 1024;

const keys = namespaced(UPLOAD_PROCESSING);

/**
 * Where the analysis of an object is stored: analysis/<key>, in upload-processing's namespaces; a
 * key kvstore cannot hold as is (control characters, over 1 KB) is derived by safeKey, and the
 * record's `key` keeps the object key exactly.
 */
export function analysisKey(objectKey: string): string {
  return keys.once('analysis', objectKey);
}

export function succeededRecord(id: ObjectIdentity, result: StreamAnalysis, now = new Date()): AnalysisRecord {
  const record: AnalysisRecord = { status: 'succeeded', ...common(id, now), ...result };
  return fitForStorage(record);
}

export function failedRecord(id: ObjectIdentity, reason: string, now = new Date()): AnalysisRecord {
  return { status: 'failed', ...common(id, now), reason };
}

function common(id: ObjectIdentity, now: Date): AnalysisCommon {
  return { bucket: id.bucket, key: id.key, ...(id.versionId ? { versionId: id.versionId } : {}), analyzedAt: now.toISOString() };
}

/** Drops trailing columns (counted in columnsTruncated) until the record fits one item. */
function fitForStorage(record: AnalysisRecord): AnalysisRecord {
  if (record.status !== 'succeeded') return record;
  let columns = record.columns;
  while (columns.length > 1 && Buffer.byteLength(JSON.stringify({ ...record, columns })) > MAX_RECORD_BYTES) {
    columns = columns.slice(0, Math.floor(columns.length * 0.8));
  }
  const dropped = record.columns.length - columns.length;
  return dropped ? { ...record, columns, columnsTruncated: dropped } : record;
}

export function toKvValue(record: AnalysisRecord): KvValue {
  return JSON.parse(JSON.stringify(record)) as KvValue;
}

export interface AnalysisNotification {
  readonly event: 'analysis.completed' | 'analysis.failed';
  readonly subject: string;
  readonly body: Record<string, unknown>;
}

/** A short summary for subscribers; the full record is one `kvstore get` away. */
export function analysisNotification(record: AnalysisRecord): AnalysisNotification {
  const where = { bucket: record.bucket, key: record.key, versionId: record.versionId, resultKey: analysisKey(record.key) };
  if (record.status === 'failed') {
    return {
      event: 'analysis.failed',
      subject: `Analysis failed for ${record.key}`,
      body: { status: 'failed', ...where, reason: record.reason },
    };
  }
  return {
    event: 'analysis.completed',
    subject: `Analysis complete for ${record.key}`,
    body: {
      status: 'succeeded',
      ...where,
      rowCount: record.rowCount,
      invalidRowCount: record.invalidRowCount,
      columns: record.columns.map((c) => `${c.name}:${c.type}`),
      bytes: record.bytes,
    },
  };
}

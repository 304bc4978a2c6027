import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { pipeline } from 'node:stream/promises';
import { Transform, Writable } from 'node:stream';
import { DATASETS_VERIFY, MODELS_LINEAGE } from '../../core/pipelines';
import { namespaced } from '../shared/footprint';

const verifyKeys = namespaced(DATASETS_VERIFY);
const lineageKeys = namespaced(MODELS_LINEAGE);

/**
 * Scenario 4, dataset version control and lineage. datasets/<version>/<file> carry metadata
 * `rows` and `hash` (sha256 hex of the content); models/<ver>/<file> carry `dataset_version`.
 */
export interface VersionedKey {
  readonly version: string;
  readonly file: string;
}

function versioned(prefix: string, key: string): VersionedKey | undefined {
  // The version names kvstore keys and prefixes, so it holds no control characters; the file may.
  const [, version, file] = new RegExp(`^${prefix}/([^/\\u0000-\\u001f\\u007f]{1,128})/(.+[^/])$`, 's').exec(key) ?? [];
  return version && file ? { version, file } : undefined;
}

export const parseDatasetKey = (key: string) => versioned('datasets', key);
export const parseModelKey = (key: string) => versioned('models', key);

/** Why a key under `prefix/` is not `<prefix>/<version>/<file>`; undefined for folder markers (ignored). */
export function versionedKeyProblem(prefix: string, key: string): string | undefined {
  if (key.endsWith('/')) return undefined;
  return `${key} is not a ${prefix} key: upload as ${prefix}/<version>/<file> (a version of 1 to 128 characters, without '/' or control characters)`;
}

/** Keys derived from object keys go through `.once` (safeKey): any S3 key gives a valid kvstore key. */
export const datasetStatusKey = (d: VersionedKey): string => verifyKeys.once('dataset', d.version, d.file);
export const mismatchAlertKey = (d: VersionedKey, versionId: string): string => verifyKeys.once('alert', 'dataset-mismatch', d.version, `${d.file}@${versionId}`);
/** The record and outbox of a dataset that cannot be verified (content contradicts its format) or is not a dataset key. */
export const datasetRejectionKey = (kind: 'unverifiable' | 'rejected', objectKey: string, versionId: string): string =>
  verifyKeys.once('alert', `dataset-${kind}`, `${objectKey.replace(/^datasets\//, '')}@${versionId}`);
export const lineageRejectionKey = (objectKey: string, versionId: string): string =>
  lineageKeys.once('lineage', 'rejected', `${objectKey.replace(/^models\//, '')}@${versionId}`);
/** "<ver>/<file>" of models/<ver>/<file>: the name a model is known by in lineage keys. */
export const modelName = (m: VersionedKey): string => `${m.version}/${m.file}`;
export const datasetModelsPrefix = (datasetVersion: string): string => lineageKeys.key('lineage', 'dataset', datasetVersion, 'models', '');
export const datasetModelKey = (datasetVersion: string, m: VersionedKey): string => lineageKeys.once('lineage', 'dataset', datasetVersion, 'models', modelName(m));
export const modelLineageKey = (m: VersionedKey): string => lineageKeys.once('lineage', 'model', modelName(m));

export type RowCounting = 'csv' | 'jsonl' | 'parquet' | 'none';

export function rowCountingFor(file: string): RowCounting {
  const f = file.toLowerCase();
  if (f.endsWith('.csv')) return 'csv';
  if (f.endsWith('.jsonl') || f.endsWith('.ndjson')) return 'jsonl';
  if (f.endsWith('.parquet')) return 'parquet';
  return 'none';
}

export interface Expected {
  readonly hash?: string;
  readonly rows?: number;
  readonly problems: string[];
}

/** Reads `hash` (64 hex, optionally "sha256:"-prefixed) and `rows` from user metadata. */
export function expectedFromMetadata(metadata: Record<string, string> | undefined): Expected {
  const problems: string[] = [];
  let hash: string | undefined;
  let rows: number | undefined;
  const rawHash = metadata?.hash?.trim().toLowerCase().replace(/^sha256:/, '');
  if (rawHash !== undefined) {
    if (/^[0-9a-f]{64}$/.test(rawHash)) hash = rawHash;
    else problems.push(`metadata hash "${metadata?.hash}" is not a sha256 hex digest: use $(sha256sum FILE | cut -d' ' -f1)`);
  }
  if (metadata?.rows !== undefined) {
    if (/^\d+$/.test(metadata.rows.trim())) rows = Number(metadata.rows.trim());
    else problems.push(`metadata rows "${metadata.rows}" is not a non-negative integer`);
  }
  return { hash, rows, problems };
}

export interface Measured {
  readonly sha256: string;
  readonly bytes: number;
  /** Undefined when the format has no cheap row count. */
  readonly rows?: number;
}

/**
 * One pass over the stream: sha256 of every byte and, for CSV/JSONL, the number of data rows
 * (CSV: records minus the header row, parsed by csv-parse so quoted newlines count right; JSONL:
 * non-empty lines). Memory is bounded by the chunk size.
 */
export async function measureStream(input: Readable, counting: RowCounting): Promise<Measured> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows: number | undefined;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  if (counting === 'csv') {
    let records = 0;
    const counter = new Writable({
      objectMode: true,
      write(_row, _enc, cb) {
        records++;
        cb();
      },
    });
    await pipeline(input, tap, parseCsv({ relax_column_count: true, skip_empty_lines: true }), counter);
    rows = Math.max(0, records - 1);
  } else if (counting === 'jsonl') {
    let lines = 0;
    let lineHasContent = false;
    const counter = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (let i = 0; i < chunk.length; i++) {
          const b = chunk[i];
          if (b === 10) {
            if (lineHasContent) lines++;
            lineHasContent = false;
          } else if (b !== 13 && b !== 32 && b !== 9) lineHasContent = true;
        }
        cb();
      },
      final(cb) {
        if (lineHasContent) lines++;
        cb();
      },
    });
    await pipeline(input, tap, counter);
    rows = lines;
  } else {
    await pipeline(input, tap, new Writable({ write: (_c, _e, cb) => cb() }));
  }
  return { sha256: hash.digest('hex'), bytes, rows };
}

/** `unverifiable`: the content contradicts its declared format (set by the handler, never by compareDataset). */
export type DatasetStatus = 'verified' | 'mismatch' | 'unverified' | 'unverifiable';

/**
 * mismatch: the content contradicts its metadata (alert). unverified: nothing to check against
 * (no hash, or rows given for a format without a row count) or bad metadata; recorded, not alerted.
 */
export function compareDataset(expected: Expected, measured: Measured): { status: DatasetStatus; problems: string[] } {
  const problems = [...expected.problems];
  let mismatch = false;
  if (expected.hash !== undefined && expected.hash !== measured.sha256) {
    mismatch = true;
    problems.push(`sha256 ${measured.sha256} differs from metadata hash ${expected.hash}`);
  }
  if (expected.rows !== undefined && measured.rows !== undefined && expected.rows !== measured.rows) {
    mismatch = true;
    problems.push(`${measured.rows} rows differ from metadata rows ${expected.rows}`);
  }
  if (mismatch) return { status: 'mismatch', problems };
  if (expected.hash === undefined) problems.push('no hash metadata: content not verified (upload with --metadata hash=<sha256>)');
  if (expected.rows !== undefined && measured.rows === undefined) problems.push('rows metadata not checked for this format');
  return { status: expected.hash !== undefined && expected.problems.length === 0 ? 'verified' : 'unverified', problems };
}

import { createHash } from 'node:crypto';
import type { KvValue } from '../../core/kvstore';
import type { ObjectIdentity } from '../../core/s3-events';
import type { FanoutStage } from '../../core/fanout-stages';

/**
 * Pattern 2's three parallel stages (core/fanout-stages.ts) as pure functions of one raw-data/ JSON
 * document. Each returns a small JSON result (stored as its partial result); none depends on
 * another, so they run in parallel and the aggregator merges whatever each produced, failures
 * included.
 */

/** Documents above this are rejected by every stage (JSON must be parsed whole). */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
const MAX_TERMS = 100;
const MAX_PATHS = 100;
const MAX_ERRORS = 10;

export type ParsedDocument = { ok: true; value: unknown } | { ok: false; reason: string };

export function parseDocument(text: string): ParsedDocument {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}; upload a JSON object or array` };
  }
}

export interface ValidateResult {
  readonly valid: boolean;
  readonly kind?: 'object' | 'array';
  readonly recordCount?: number;
  readonly errors: string[];
}

/** A raw-data document is one JSON object, or an array of JSON objects (records). */
export function validateDocument(doc: ParsedDocument): ValidateResult {
  if (!doc.ok) return { valid: false, errors: [doc.reason] };
  const v = doc.value;
  if (Array.isArray(v)) {
    const errors: string[] = [];
    v.forEach((r, i) => {
      if ((typeof r !== 'object' || r === null || Array.isArray(r)) && errors.length < MAX_ERRORS) {
        errors.push(`record ${i} is ${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}, expected an object`);
      }
    });
    return { valid: errors.length === 0, kind: 'array', recordCount: v.length, errors };
  }
  if (typeof v === 'object' && v !== null) return { valid: true, kind: 'object', recordCount: 1, errors: [] };
  return { valid: false, errors: [`top level is ${v === null ? 'null' : typeof v}, expected an object or an array of objects`] };
}

export interface EnrichResult {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly receivedAt: string;
  readonly uploadedBy?: string;
  readonly sourceIp?: string;
  readonly topLevelKeys?: number;
}

/** Provenance facts a consumer needs to trust the document: who, when, how big, which bytes. */
export function enrichDocument(text: string, doc: ParsedDocument, meta: { time: string; requester?: string; sourceIp?: string }): EnrichResult {
  const v = doc.ok ? doc.value : undefined;
  return {
    sizeBytes: Buffer.byteLength(text),
    sha256: createHash('sha256').update(text).digest('hex'),
    receivedAt: meta.time,
    ...(meta.requester ? { uploadedBy: meta.requester } : {}),
    ...(meta.sourceIp ? { sourceIp: meta.sourceIp } : {}),
    ...(v && typeof v === 'object' && !Array.isArray(v) ? { topLevelKeys: Object.keys(v).length } : {}),
  };
}

export interface IndexResult {
  /** Distinct lower-case words from string values, first MAX_TERMS in document order. */
  readonly terms: string[];
  /** Distinct field paths (`a.b`, array indices collapsed to `[]`), first MAX_PATHS. */
  readonly fields: string[];
  readonly truncated: boolean;
}

/** Search terms and field paths, so agents can find documents without reading them. */
export function indexDocument(doc: ParsedDocument): IndexResult {
  const terms = new Set<string>();
  const fields = new Set<string>();
  let truncated = false;
  if (!doc.ok) return { terms: [], fields: [], truncated };
  const stack: Array<{ v: unknown; path: string }> = [{ v: doc.value, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      for (const w of v.toLowerCase().match(/[\p{L}\p{N}]{2,40}/gu) ?? []) {
        if (terms.size < MAX_TERMS) terms.add(w);
        else if (!terms.has(w)) truncated = true;
      }
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}[]` });
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        const p = path ? `${path}.${k}` : k;
        if (fields.size < MAX_PATHS) fields.add(p);
        else if (!fields.has(p)) truncated = true;
        stack.push({ v: child, path: p });
      }
    }
  }
  return { terms: [...terms], fields: [...fields], truncated };
}

export function runStage(
  stage: FanoutStage,
  text: string,
  meta: { time: string; requester?: string; sourceIp?: string },
): ValidateResult | EnrichResult | IndexResult {
  const doc = parseDocument(text);
  switch (stage) {
    case 'validate':
      return validateDocument(doc);
    case 'enrich':
      return enrichDocument(text, doc, meta);
    case 'index':
      return indexDocument(doc);
  }
}

/** S3 keys stop at 1,024 bytes of UTF-8. */
const MAX_OBJECT_KEY_BYTES = 1024;

/**
 * raw-data/a/b.json → processed-data/a/b.json. processed-data/ is five bytes longer than raw-data/,
 * so a source key near S3's limit would make an output key S3 refuses (and the event would be
 * dead-lettered): such an output key is its head, then `#sha256:` and the hash of the source key.
 * The merged document's `source.key` names the source exactly.
 */
export function processedKey(rawKey: string): string {
  const key = `processed-data/${rawKey.replace(/^raw-data\//, '')}`;
  if (Buffer.byteLength(key) <= MAX_OBJECT_KEY_BYTES) return key;
  const suffix = `#sha256:${createHash('sha256').update(rawKey).digest('hex')}`;
  return `${Buffer.from(key).subarray(0, MAX_OBJECT_KEY_BYTES - suffix.length).toString('utf8').replace(/\uFFFD+$/, '')}${suffix}`;
}

export interface MergedDocument {
  readonly source: { bucket: string; key: string; versionId?: string };
  readonly status: 'processed' | 'rejected';
  readonly validation: ValidateResult;
  readonly enrichment: EnrichResult;
  readonly index: IndexResult;
}

/** The aggregator's join: one document from the three partial results. */
export function mergeStages(id: ObjectIdentity, stages: Record<FanoutStage, KvValue>): MergedDocument {
  const validation = stages.validate as unknown as ValidateResult;
  return {
    source: { bucket: id.bucket, key: id.key, ...(id.versionId ? { versionId: id.versionId } : {}) },
    status: validation.valid === true ? 'processed' : 'rejected',
    validation,
    enrichment: stages.enrich as unknown as EnrichResult,
    index: stages.index as unknown as IndexResult,
  };
}

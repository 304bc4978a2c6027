import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { listKeys } from '../shared/list-keys';
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { analyzeCsvStream } from '../csv/analyze';
import { CsvFormatError } from '../csv/insights';
import { recordOnce } from '../shared/exactly-once';
import { namespaced } from '../shared/footprint';
import { HOURLY_BATCH } from '../../core/pipelines';
import { KvStore, KvValue } from '../../core/kvstore';

/**
 * Pattern 3: the hourly batch over uploads/YYYY-MM-DD-HH/. Crash-safe by construction:
 *
 * - each object version gets a done marker (exactly-once recordOnce keyed on key + version) holding its result;
 * - an original is deleted (a delete marker; the versioned bucket keeps the data) only after its
 *   marker is stored, and only while the processed version is still the current one;
 * - the summary `batch/processed-<hour>` is recomputed from the markers, never incremented, so a
 *   rerun after a crash at any point counts every object exactly once.
 */
export const HOUR_FORMAT = /^\d{4}-\d{2}-\d{2}-\d{2}$/;

export function hourOf(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())}-${p(date.getUTCHours())}`;
}

export function previousHour(time: string | Date): string {
  const t = typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (!Number.isFinite(t)) throw new Error(`invalid time "${String(time)}": expected ISO-8601`);
  return hourOf(new Date(t - 3_600_000));
}

const scheduledEventSchema = z.object({
  time: z.union([z.string(), z.number()]).optional(),
  detail: z.object({ hour: z.string().optional() }).passthrough().optional(),
  hour: z.string().optional(),
});

/**
 * The schedule rule's event, or a manual one naming the hour (`{"detail": {"hour": "2026-11-25-07"}}`)
 * for reprocessing, tests and the local `tick`. Without an hour it is the hour before the event time.
 */
export function batchHourFromEvent(raw: unknown, now = new Date()): string {
  const parsed = scheduledEventSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`malformed schedule event: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const explicit = parsed.data.detail?.hour ?? parsed.data.hour;
  if (explicit !== undefined) {
    if (!HOUR_FORMAT.test(explicit)) throw new Error(`invalid hour "${explicit}": use YYYY-MM-DD-HH (UTC), for example 2026-11-25-07`);
    return explicit;
  }
  const t = parsed.data.time;
  return previousHour(t === undefined ? now : typeof t === 'number' ? new Date(t * 1000) : t);
}

/** Keys in HOURLY_BATCH's footprint only: objects under its one prefix (uploads/), kvstore under batch/. */
const [UPLOADS] = HOURLY_BATCH.objects.list!;
const keys = namespaced(HOURLY_BATCH);
export const hourPrefix = (hour: string) => `${UPLOADS}${hour}/`;
export const summaryKey = (hour: string) => keys.key('batch', `processed-${hour}`);
const markerPrefix = (hour: string) => keys.key('batch', hour, 'done', '');

/**
 * succeeded: analysed (CSV rows, or bytes of a text object). failed: analysed and found malformed
 * (bad CSV). skipped: not analysed at all — binary, too large, archived, or gone between the list
 * and the read — with the reason. Only succeeded originals are deleted.
 */
export interface ObjectResult {
  readonly key: string;
  readonly versionId: string;
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly bytes: number;
  readonly rows?: number;
  readonly reason?: string;
}

/** A failed or skipped object as the summary lists it. */
export interface NotAnalysed {
  readonly key: string;
  readonly versionId: string;
  readonly status: 'failed' | 'skipped';
  readonly reason: string;
}

/** The summary lists at most this many failed or skipped objects (the markers keep every one). */
export const MAX_LISTED = 100;

export interface BatchSummary {
  readonly hour: string;
  readonly objects: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  /** Rows and bytes of analysed objects only. */
  readonly rows: number;
  readonly bytes: number;
  /** The first MAX_LISTED failed or skipped objects with their reasons; `notAnalysedTruncated` counts the rest. */
  readonly notAnalysed: NotAnalysed[];
  readonly notAnalysedTruncated?: number;
}

/** Objects above this are skipped, not analysed: one object must not use up the run's 15 minutes. */
export const MAX_BATCH_OBJECT_BYTES = 2 * 1024 ** 3;
const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);
/** How much of a non-CSV object's head is checked for NUL bytes (binary content is not analysed). */
const SNIFF_BYTES = 8192;

export interface BatchDeps {
  readonly s3: S3Client;
  readonly kv: KvStore;
  readonly bucket: string;
  /** Called after each object is fully handled; tests crash here. */
  readonly afterObject?: (result: ObjectResult) => Promise<void> | void;
  /** Stops (throwing BatchIncompleteError) when this returns true, e.g. near the Lambda timeout. */
  readonly shouldStop?: () => boolean;
  /** Objects larger than this are skipped (default MAX_BATCH_OBJECT_BYTES). */
  readonly maxObjectBytes?: number;
}

export class BatchIncompleteError extends Error {
  constructor(hour: string, done: number) {
    super(`batch ${hour} stopped after ${done} objects to stay within the time limit; the retry resumes where it stopped`);
    this.name = 'BatchIncompleteError';
  }
}

/**
 * CSV gets the pattern-1 analysis (rows); other text is counted in bytes; binary content (NUL bytes
 * in its head) is skipped, not counted as analysed. All stream.
 */
export async function processObject(key: string, body: Readable): Promise<Omit<ObjectResult, 'key' | 'versionId'>> {
  if (key.toLowerCase().endsWith('.csv')) {
    try {
      const r = await analyzeCsvStream(body);
      return { status: 'succeeded', bytes: r.bytes, rows: r.rowCount };
    } catch (err) {
      if (err instanceof CsvFormatError) return { status: 'failed', bytes: 0, reason: err.message };
      throw err;
    }
  }
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (bytes < SNIFF_BYTES && chunk.subarray(0, SNIFF_BYTES - bytes).includes(0)) {
      body.destroy();
      return { status: 'skipped', bytes: 0, reason: 'binary content (NUL bytes in its head): the batch analyses CSV and text objects only' };
    }
    bytes += chunk.length;
  }
  return { status: 'succeeded', bytes };
}

interface Current {
  readonly versionId: string;
  readonly size: number;
  /** Set when the version cannot be read until restored. */
  readonly archived?: string;
}

const isGone = (err: unknown) => ['NotFound', 'NoSuchKey', 'NoSuchVersion'].includes((err as Error).name);

async function currentVersion(s3: S3Client, bucket: string, key: string): Promise<Current | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const restored = (head.Restore ?? '').includes('ongoing-request="false"');
    const archived = head.StorageClass && ARCHIVED.has(head.StorageClass) && !restored ? head.StorageClass : undefined;
    return { versionId: head.VersionId ?? 'null', size: Number(head.ContentLength ?? 0), ...(archived ? { archived } : {}) };
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/** Reads and analyses one version, or says why it is skipped; only transient errors throw. */
async function analyse(deps: BatchDeps, key: string, current: Current): Promise<ObjectResult> {
  const { versionId } = current;
  const skipped = (reason: string): ObjectResult => ({ key, versionId, status: 'skipped', bytes: 0, reason });
  if (current.archived) return skipped(`archived (${current.archived}): restore it (blob restore KEY), then rerun the hour`);
  const limit = deps.maxObjectBytes ?? MAX_BATCH_OBJECT_BYTES;
  if (current.size > limit) return skipped(`${current.size} bytes, over the batch's ${limit}-byte limit per object: analyse it on its own`);
  try {
    const obj = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key, VersionId: versionId === 'null' ? undefined : versionId }));
    return { key, versionId, ...(await processObject(key, obj.Body as Readable)) };
  } catch (err) {
    if (isGone(err)) return skipped('gone between the listing and the read (deleted meanwhile)');
    if ((err as Error).name === 'InvalidObjectState') return skipped('archived: restore it (blob restore KEY), then rerun the hour');
    throw err;
  }
}

export async function runHourlyBatch(deps: BatchDeps, hour: string): Promise<BatchSummary> {
  const { s3, kv, bucket } = deps;
  let done = 0;
  for await (const key of listKeys(s3, bucket, hourPrefix(hour))) {
    if (key.endsWith('/')) continue;
    if (deps.shouldStop?.()) throw new BatchIncompleteError(hour, done);
    const current = await currentVersion(s3, bucket, key);
    // Listed but gone before its HEAD: recorded as skipped (once per key and hour), not passed over silently.
    const versionId = current?.versionId ?? 'gone';
    const marker = keys.once('batch', hour, 'done', `${key}#${versionId}`);
    let result = (await kv.get(marker))?.value as ObjectResult | undefined;
    // A skipped object is tried again on a rerun (restored from GLACIER meanwhile, say); its marker
    // then holds the new result. The summary is recomputed from markers, so nothing counts twice.
    if (!result || result.status === 'skipped') {
      const fresh = current ? await analyse(deps, key, current) : { key, versionId, status: 'skipped' as const, bytes: 0, reason: 'gone between the listing and the read (deleted meanwhile)' };
      const value = JSON.parse(JSON.stringify(fresh)) as KvValue;
      if (!result) await recordOnce(kv, marker, value, versionId);
      else if (JSON.stringify(fresh) !== JSON.stringify(result)) await kv.set(marker, value);
      result = fresh;
    }
    // Failed originals stay for a person to fix; succeeded ones go once their result is stored,
    // and only if nobody uploaded a newer version meanwhile.
    if (result.status === 'succeeded' && (await currentVersion(s3, bucket, key))?.versionId === versionId) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
    done++;
    await deps.afterObject?.(result);
  }
  const summary = await summarize(kv, hour);
  const existing = (await kv.get(summaryKey(hour)))?.value;
  // A rerun over the same markers computes the same summary: leave the stored one untouched.
  if (JSON.stringify(existing) !== JSON.stringify(summary)) await kv.set(summaryKey(hour), JSON.parse(JSON.stringify(summary)) as KvValue);
  return summary;
}

/** Counts from the done markers: the same markers always give the same counts. */
export async function summarize(kv: KvStore, hour: string): Promise<BatchSummary> {
  const totals = { objects: 0, succeeded: 0, failed: 0, skipped: 0, rows: 0, bytes: 0 };
  const notAnalysed: NotAnalysed[] = [];
  let truncated = 0;
  for await (const item of kv.list(markerPrefix(hour))) {
    const r = item.value as unknown as ObjectResult;
    totals.objects++;
    totals[r.status]++;
    totals.rows += r.rows ?? 0;
    totals.bytes += r.bytes;
    if (r.status === 'succeeded') continue;
    if (notAnalysed.length < MAX_LISTED) notAnalysed.push({ key: r.key, versionId: r.versionId, status: r.status, reason: r.reason ?? 'unknown' });
    else truncated++;
  }
  return { hour, ...totals, notAnalysed, ...(truncated ? { notAnalysedTruncated: truncated } : {}) };
}

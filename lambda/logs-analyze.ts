import { SelectObjectContentCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { PassThrough, Readable } from 'node:stream';
import * as z from 'zod';
import {
  JsonArrayWriter,
  LogRecord,
  agentOf,
  assertHour,
  errorsKey,
  filterErrors,
  isErrorSpike,
  isLogKey,
  logPrefix,
  previousHour,
} from './scenarios/log-analysis';
import { incrementOnce } from './shared/exactly-once';
import { clients, isUnreadable, kvstore, logger, metrics, notifyOnce, openObject } from './shared/kit';
import { listKeys } from './shared/list-keys';
import { env, namespaced } from './shared/footprint';
import { LOG_ANALYSIS, RESOURCE_ENV, SETTING_ENV } from '../core/pipelines';

const keys = namespaced(LOG_ANALYSIS);

/**
 * Scenario 2: hourly, collects the ERROR lines of logs/<hour>/*.log into
 * analytics/errors-<hour>.json and raises alert/error-spike above the threshold.
 *
 * Streaming is the default engine; S3 Select (LOG_ANALYSIS_ENGINE=select) is opt-in because AWS
 * closed it to new customers in 2024. Both feed the same line filter, so results are identical.
 * Re-running an hour rewrites the same file and never alerts twice (the hour is the token).
 */
const eventSchema = z.object({
  id: z.string().optional(),
  time: z.string().optional(),
  /** Injected by tests and `npm run demo` ticks; scheduled runs analyse the previous hour. */
  hour: z.string().optional(),
  detail: z.object({ hour: z.string().optional() }).passthrough().optional(),
});

const ALERT_COUNTER = keys.key('alert', 'error-spike');
const alertRecordKey = (hour: string) => keys.key('alert', `error-spike-${hour}`);

/** Log files that cannot be read (gone since the listing, archived) are reported, at most this many by name. */
const MAX_SKIPPED_LISTED = 20;
const skippedRecordKey = (hour: string) => keys.key('alert', `logs-skipped-${hour}`);

async function* keysOfHour(bucket: string, hour: string): AsyncGenerator<string> {
  for await (const key of listKeys(clients.s3, bucket, logPrefix(hour))) if (isLogKey(key)) yield key;
}

async function selectErrors(bucket: string, key: string): Promise<Readable> {
  const res = await clients.s3.send(
    new SelectObjectContentCommand({
      Bucket: bucket,
      Key: key,
      ExpressionType: 'SQL',
      // Lower-case s3object: AWS accepts any case, the emulator's parser only this one.
      Expression: "SELECT * FROM s3object s WHERE s.level = 'ERROR'",
      InputSerialization: { JSON: { Type: 'LINES' } },
      OutputSerialization: { JSON: { RecordDelimiter: '\n' } },
    }),
  );
  const payload = res.Payload;
  if (!payload) throw new Error(`S3 Select returned no payload for ${key}`);
  return Readable.from(
    (async function* () {
      for await (const ev of payload) if (ev.Records?.Payload) yield Buffer.from(ev.Records.Payload);
    })(),
  );
}

export async function handler(raw: unknown, context?: Context): Promise<Record<string, unknown>> {
  const parsed = eventSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`malformed scheduled event: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const ev = parsed.data;
  const hour = assertHour(ev.hour ?? ev.detail?.hour ?? previousHour(ev.time ? new Date(ev.time) : new Date()));
  const config = env(LOG_ANALYSIS);
  const bucket = config.get(RESOURCE_ENV.bucket);
  const engine = config.optional(SETTING_ENV.logAnalysisEngine) === 'select' ? 'select' : 'stream';
  const threshold = Number(config.get(SETTING_ENV.errorSpikeThreshold));
  const concurrency = Math.max(1, Number(config.optional(SETTING_ENV.logAnalysisConcurrency) ?? 4));
  logger.appendKeys({ hour, engine });

  const body = new PassThrough();
  const upload = new Upload({ client: clients.s3, params: { Bucket: bucket, Key: errorsKey(hour), Body: body, ContentType: 'application/json' } });
  const uploaded = upload.done();
  // If the upload fails, destroying the body with its error fails any write waiting on drain.
  uploaded.catch((err: unknown) => body.destroy(err as Error));
  const writer = new JsonArrayWriter(body);

  const keys: string[] = [];
  for await (const key of keysOfHour(bucket, hour)) keys.push(key);
  let lines = 0;
  let next = 0;
  const skipped: Array<{ key: string; reason: string }> = [];
  let skippedCount = 0;
  const note = (key: string, reason: string) => {
    skippedCount++;
    if (skipped.length < MAX_SKIPPED_LISTED) skipped.push({ key, reason });
  };
  // A file that cannot be read is not the hour's failure: it is skipped with its reason, and the
  // skip recorded and notified below (a retry would not bring a deleted or archived file back).
  const open = async (key: string): Promise<Readable | undefined> => {
    try {
      return engine === 'select' ? await selectErrors(bucket, key) : (await openObject({ bucket, key })).body;
    } catch (err) {
      if (!isUnreadable(err) && (err as Error).name !== 'InvalidObjectState' && (err as Error).name !== 'NoSuchKey') throw err;
      note(key, (err as Error).message);
      return undefined;
    }
  };
  // A few files at a time: each is a stream, so memory stays at concurrency × chunk size.
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      const source = await open(key);
      if (!source) continue;
      const counts = await filterErrors(source, (record: LogRecord) => writer.push({ agent: agentOf(key), ...record, source: key }));
      lines += counts.lines;
      if (counts.binaryLines) note(key, `${counts.binaryLines} of ${counts.lines} line(s) hold binary content (NUL bytes) and were not analysed`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  writer.end();
  await uploaded;

  const errors = writer.written;
  metrics.addMetric('LogErrors', MetricUnit.Count, errors);
  let alert = 'none';
  if (isErrorSpike(errors, threshold)) {
    const kv = kvstore();
    await incrementOnce(kv, ALERT_COUNTER, 1, hour);
    alert = await notifyOnce(
      alertRecordKey(hour),
      {
        event: 'logs.error-spike',
        subject: `error spike: ${errors} errors in ${hour}`,
        body: { scenario: 'logs', hour, errors, threshold, report: `s3://${bucket}/${errorsKey(hour)}` },
      },
      { owner: ev.id ?? context?.awsRequestId ?? hour, record: { hour, errors, threshold } },
    );
  }
  let skipNotice = 'none';
  if (skippedCount) {
    logger.warn('log files skipped', { skippedCount });
    skipNotice = await notifyOnce(
      skippedRecordKey(hour),
      { event: 'logs.skipped', subject: `logs ${hour}: ${skippedCount} file(s) not analysed`, body: { scenario: 'logs', hour, skippedCount, skipped } },
      { owner: ev.id ?? context?.awsRequestId ?? hour, record: { hour, skippedCount, skipped } },
    );
  }
  metrics.publishStoredMetrics();
  // Select returns only the matching lines, so the number scanned is known on the streaming path only.
  const result = { hour, engine, files: keys.length, lines: engine === 'stream' ? lines : null, errors, threshold, alert, report: errorsKey(hour), ...(skippedCount ? { skipped: skippedCount, skipNotice } : {}) };
  logger.info('log analysis done', result);
  return result;
}

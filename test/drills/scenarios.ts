import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectVersionsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { redrive } from '../../tools/redrive';
import type { BatchSummary } from '../../lambda/batch/hourly';
import { DrillFigures, DrillProbe } from './probe';
import type { LocalStack } from '../../local/stack';

/**
 * The four failure drills of issue 7, each against a running local stack (the project's
 * synthesized templates provisioned into moto, bundles run by the local Lambda runtime). Shared by
 * test/drills (small counts) and bench/scenarios/drill-*.ts (full counts, figures recorded).
 * Every drill returns sent/processed/duplicated/lost; callers assert duplicated = lost = 0.
 */

const UPLOAD = 'UploadProcessorFunction';
const AUDIT = 'AuditRecorderFunction';
const BATCH = 'HourlyBatchFunction';
const run = () => randomUUID().slice(0, 8);

async function withProbe<T>(stack: LocalStack, body: (p: DrillProbe) => Promise<T>): Promise<T> {
  const probe = new DrillProbe(stack);
  try {
    return await body(probe);
  } finally {
    probe.close();
  }
}

/**
 * (d) `uploads` CSVs PUT as fast as 50 parallel clients go (the issue: 500 within 10 s); every one
 * must be analysed, notified and audited exactly once.
 */
export function burstDrill(stack: LocalStack, opts: { uploads: number; idleTimeoutMs?: number }): Promise<DrillFigures> {
  return withProbe(stack, async (probe) => {
    const t0 = Date.now();
    const uploads = await probe.uploadCsvs(`uploads/drill-burst-${run()}/`, opts.uploads, { concurrency: 50 });
    const uploadSeconds = (Date.now() - t0) / 1000;
    await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
    const drainedSeconds = (Date.now() - t0) / 1000;
    const figures = DrillProbe.figures(uploads.length, await probe.effects(uploads));
    return {
      ...figures,
      uploadSeconds,
      uploadsWithin10s: uploadSeconds <= 10,
      allProcessedSeconds: drainedSeconds,
      processedPerSecond: Math.round((figures.processed / drainedSeconds) * 10) / 10,
      deadLettered: (await probe.dlqDepth(probe.fn(UPLOAD))) + (await probe.dlqDepth(probe.fn(AUDIT))),
    };
  });
}

/**
 * (c) Every S3 event delivered three times: the events EventBridge emitted are captured (ids and
 * all) and each is sent twice more to every function its rules target, as at-least-once delivery
 * does. Analyses, notifications and audit records must each still exist exactly once.
 */
export function tripleDeliveryDrill(stack: LocalStack, opts: { uploads: number; idleTimeoutMs?: number }): Promise<DrillFigures> {
  return withProbe(stack, async (probe) => {
    const prefix = `uploads/drill-triple-${run()}/`;
    const capture = await probe.captureEvents(prefix);
    let events: unknown[];
    let uploads;
    try {
      uploads = await probe.uploadCsvs(prefix, opts.uploads, { concurrency: 10 });
      events = await capture.drain(uploads.length);
    } finally {
      await capture.close();
    }
    const targets = [probe.fn(UPLOAD), probe.fn(AUDIT)];
    for (const event of events) for (const fn of targets) for (let copy = 0; copy < 2; copy++) await probe.invokeAsync(fn, event);
    await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
    const figures = DrillProbe.figures(uploads.length, await probe.effects(uploads));
    return {
      ...figures,
      deliveriesPerEvent: 3,
      deliveries: events.length * 3 * targets.length,
      distinctEvents: new Set(events.map((e) => (e as { id?: string }).id)).size,
      deadLettered: (await probe.dlqDepth(targets[0]!)) + (await probe.dlqDepth(targets[1]!)),
    };
  });
}

/**
 * (b) A handler crash dead-letters events, and the redrive processes them. The crash is a
 * dependency outage the handlers cannot survive: the idempotency table is deleted (every
 * invocation of both functions throws before any side effect), so each event fails its three
 * attempts and lands in the DLQ. The table is then restored and `npm run redrive`'s function
 * replays the DLQs through the same idempotent path.
 */
export function dlqRedriveDrill(stack: LocalStack, opts: { uploads: number; idleTimeoutMs?: number }): Promise<DrillFigures> {
  return withProbe(stack, async (probe) => {
    const upload = probe.fn(UPLOAD);
    const audit = probe.fn(AUDIT);
    const table = upload.environment.IDEMPOTENCY_TABLE;
    if (!table) throw new Error(`${upload.logicalId} has no IDEMPOTENCY_TABLE`);
    const ddb = probe.aws.dynamodb;
    const before = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table;
    const ttl = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: table }))).TimeToLiveDescription;
    const dlqBefore = (await probe.dlqDepth(upload)) + (await probe.dlqDepth(audit));
    await ddb.send(new DeleteTableCommand({ TableName: table }));

    let uploads;
    let deadLettered: number;
    let effectsDuringOutage: number;
    try {
      uploads = await probe.uploadCsvs(`uploads/drill-dlq-${run()}/`, opts.uploads, { concurrency: 10 });
      await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
      deadLettered = (await probe.dlqDepth(upload)) + (await probe.dlqDepth(audit)) - dlqBefore;
      const during = DrillProbe.figures(uploads.length, await probe.effects(uploads));
      effectsDuringOutage = during.processed + during.duplicated;
    } finally {
      await ddb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: before?.KeySchema,
          AttributeDefinitions: before?.AttributeDefinitions,
        }),
      );
      if (ttl?.AttributeName && ttl.TimeToLiveStatus === 'ENABLED') {
        await ddb.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
      }
    }
    const redriven = await redrive({ env: stack.env, endpoint: stack.endpoint });
    await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
    const figures = DrillProbe.figures(uploads.length, await probe.effects(uploads));
    return {
      ...figures,
      deadLettered,
      effectsDuringOutage,
      redriven: redriven.redriven,
      redriveFailed: redriven.failed,
      deadLetteredAfterRedrive: (await probe.dlqDepth(upload)) + (await probe.dlqDepth(audit)),
    };
  });
}

/**
 * (a) The hourly batch's Lambda crashes mid-batch. On AWS that is an execution environment dying
 * (out of memory, a runtime crash, a host failure) while moto-the-AWS keeps its state; here the
 * function's real bundle runs in its own worker thread against the stack and the thread is
 * terminated once some objects are done. Then the same event is delivered again (Lambda's async
 * retry); midway through it the emulator itself is killed and restarted with its stored state
 * (LocalStack.crashEmulator). Then the hour is re-run (a new event, as an operator or the next tick
 * would), and the summary must count every object exactly once with every original processed.
 */
export function batchCrashDrill(
  stack: LocalStack,
  opts: { objects: number; rows?: number; crashAfter?: number; emulatorDownMs?: number; idleTimeoutMs?: number },
): Promise<DrillFigures> {
  return withProbe(stack, async (probe) => {
    const rows = opts.rows ?? 5;
    const fn = probe.fn(BATCH);
    const n = Math.floor(Math.random() * 28) + 1;
    const hour = `2001-02-${String(n).padStart(2, '0')}-${String(Math.floor(Math.random() * 24)).padStart(2, '0')}`;
    const uploads = await probe.uploadCsvs(`uploads/${hour}/`, opts.objects, { rows, concurrency: 10 });
    // Pattern 1 also reacts to these uploads; let it finish so the batch is the only work running.
    await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
    const markers = async () => {
      let count = 0;
      for await (const item of probe.kv.list(`batch/${hour}/done/`)) count += item.key ? 1 : 0;
      return count;
    };

    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date().toISOString(),
      region: fn.region,
      resources: [],
      detail: { hour },
    };
    const environment = probe.environmentOf(fn);
    let settled: string | undefined;
    const first = environment.invoke(event).then(
      () => (settled = 'completed'),
      (err: Error) => (settled = `crashed (${err.message})`),
    );
    const crashAfter = opts.crashAfter ?? Math.max(1, Math.floor(opts.objects / 3));
    const doneAtCrash = await DrillProbe.until('the batch to be midway', async () => {
      if (settled) throw new Error(`the batch ended before the crash point: ${settled}`);
      const c = await markers();
      return c >= crashAfter ? c : undefined;
    }, Math.max(60_000, opts.objects * 2_000));
    await environment.stop();
    const firstOutcome = await first;
    const remainingAtCrash = ((await probe.aws.s3.send(new ListObjectsV2Command({ Bucket: stack.outputs.bucket, Prefix: `uploads/${hour}/` }))).KeyCount ?? 0);

    // Lambda retries the same event (same id) after the crash. Midway through that retry the
    // emulator is killed (requests in flight cut off), stays down, and restarts with what it had
    // stored: the retry's calls fail, and Lambda's next attempt must finish the hour.
    const dlqBefore = await probe.dlqDepth(fn);
    await probe.invokeAsync(fn, event);
    let killedAt = -1;
    if (opts.emulatorDownMs) {
      killedAt = await DrillProbe.until('the retry to be midway', async () => {
        const c = await markers();
        return c > doneAtCrash ? c : undefined;
      });
      await stack.crashEmulator(opts.emulatorDownMs);
    }
    await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
    const retryDeadLettered = (await probe.dlqDepth(fn)) - dlqBefore;
    const retryError = retryDeadLettered ? ((await probe.deadLetterErrors(fn)).pop() ?? '') : '';
    // If the emulator stayed down past every attempt (a slow restart on a loaded machine), the event
    // is in the DLQ: the operator's redrive is the documented way back, and must finish the hour.
    let redriven = 0;
    if (retryDeadLettered) {
      redriven = (await redrive({ env: stack.env, endpoint: stack.endpoint, functionFilter: BATCH })).redriven;
      await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);
    }
    const afterRetry = (await probe.kv.get(`batch/processed-${hour}`))?.value as BatchSummary | undefined;
    // A manual re-run of the hour (a new event) afterwards must change nothing.
    await probe.invokeAsync(fn, { ...event, id: randomUUID() });
    await stack.waitForIdle(opts.idleTimeoutMs ?? 600_000);

    const summary = (await probe.kv.get(`batch/processed-${hour}`))?.value as BatchSummary | undefined;
    const markersAfter = await markers();
    const left = (await probe.aws.s3.send(new ListObjectsV2Command({ Bucket: stack.outputs.bucket, Prefix: `uploads/${hour}/` }))).KeyCount ?? 0;
    const versions = await probe.aws.s3.send(new ListObjectVersionsCommand({ Bucket: stack.outputs.bucket, Prefix: `uploads/${hour}/` }));
    const expectedBytes = uploads.reduce((a, u) => a + u.bytes, 0);
    const objects = summary?.objects ?? 0;
    return {
      sent: uploads.length,
      processed: Math.min(objects, markersAfter),
      duplicated: Math.max(0, objects - uploads.length) + Math.max(0, (summary?.rows ?? 0) - uploads.length * rows),
      lost: uploads.length - Math.min(objects, markersAfter),
      hour,
      doneAtCrash,
      remainingAtCrash,
      firstOutcome,
      retryOfSameEvent: `${retryDeadLettered ? `dead-lettered, ${redriven} redriven, ` : ''}${afterRetry?.objects === uploads.length ? 'completed the batch' : 'did not complete the batch'}`,
      completedByRetry: afterRetry?.objects === uploads.length,
      retryError: retryError.slice(0, 200),
      emulatorDownMs: opts.emulatorDownMs ?? 0,
      emulatorKilledAtObjects: killedAt,
      emulatorKilledMidRun: killedAt > doneAtCrash && killedAt < uploads.length,
      rowsCounted: summary?.rows ?? 0,
      rowsExpected: uploads.length * rows,
      bytesCounted: summary?.bytes ?? 0,
      bytesExpected: expectedBytes,
      succeeded: summary?.succeeded ?? 0,
      originalsLeft: left,
      deleteMarkers: versions.DeleteMarkers?.length ?? 0,
      versionsKept: versions.Versions?.length ?? 0,
    };
  });
}

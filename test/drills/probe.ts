import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { queryHistory } from '../../core/audit';
import { KvStore } from '../../core/kvstore';
import { ClientPool, RegionClients } from '../../local/emulator/clients';
import { FunctionWorker } from '../../local/runtime/lambda-worker';
import type { LocalFunction } from '../../local/provision';
import type { LocalStack } from '../../local/stack';

/**
 * What the failure drills observe and do on a running local stack, composed from its public API
 * (outputs, provisioned functions and queues, notifications) and plain SDK calls to the emulator.
 * The drills count effects, never invocations: an event is processed when its durable result and
 * its notification exist, duplicated when either exists more than once, lost when neither does.
 */
export interface DrillFigures {
  readonly sent: number;
  readonly processed: number;
  readonly duplicated: number;
  readonly lost: number;
  readonly [detail: string]: number | string | boolean;
}

export interface Uploaded {
  readonly key: string;
  readonly versionId: string;
  readonly bytes: number;
}

/** Per key: how many times each side effect exists. Every count must be exactly 1. */
export interface EffectCounts {
  readonly analyses: number;
  readonly notifications: number;
  readonly auditRecords: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DrillProbe {
  private readonly pool: ClientPool;
  readonly aws: RegionClients;
  readonly kv: KvStore;
  readonly doc: DynamoDBDocumentClient;

  constructor(readonly stack: LocalStack) {
    this.pool = new ClientPool(stack.endpoint);
    this.aws = this.pool.get(stack.region);
    this.doc = DynamoDBDocumentClient.from(this.aws.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    this.kv = new KvStore(this.doc, stack.outputs.table);
  }

  /** The provisioned function whose logical id starts with `prefix` (e.g. "UploadProcessorFunction"). */
  fn(prefix: string): LocalFunction {
    const matches = this.stack.provisioned().functions.filter((f) => f.logicalId.startsWith(prefix) && f.region === this.stack.region);
    if (matches.length !== 1) throw new Error(`expected one function ${prefix}*, found ${matches.map((f) => f.logicalId).join(', ') || 'none'}`);
    return matches[0] as LocalFunction;
  }

  /** Uploads `count` small CSVs under `prefix` with `concurrency` PUTs in flight. */
  async uploadCsvs(prefix: string, count: number, opts: { rows?: number; concurrency?: number } = {}): Promise<Uploaded[]> {
    const rows = opts.rows ?? 3;
    const out: Uploaded[] = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const key = `${prefix}f${String(i).padStart(4, '0')}.csv`;
        const body = ['id,value', ...Array.from({ length: rows }, (_, r) => `${r},${i * 10 + r}`)].join('\n');
        const res = await this.aws.s3.send(new PutObjectCommand({ Bucket: this.stack.outputs.bucket, Key: key, Body: body }));
        out[i] = { key, versionId: res.VersionId ?? '', bytes: Buffer.byteLength(body) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 20, count) }, worker));
    return out;
  }

  /** An asynchronous invocation as Lambda queues it: the local runtime consumes this queue. */
  async invokeAsync(fn: LocalFunction, event: unknown): Promise<void> {
    await this.pool.get(fn.region).sqs.send(new SendMessageCommand({ QueueUrl: fn.invokeQueueUrl, MessageBody: JSON.stringify(event) }));
  }

  async queueDepth(region: string, url: string): Promise<number> {
    const a = await this.pool.get(region).sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  async dlqDepth(fn: LocalFunction): Promise<number> {
    if (!fn.deadLetterQueueUrl) throw new Error(`${fn.logicalId} has no dead-letter queue`);
    return this.queueDepth(fn.deadLetterQueueArn?.split(':')[3] ?? fn.region, fn.deadLetterQueueUrl);
  }

  /** The error Lambda recorded on each dead-lettered event ("ErrorType: ErrorMessage"), without consuming them. */
  async deadLetterErrors(fn: LocalFunction): Promise<string[]> {
    if (!fn.deadLetterQueueUrl) return [];
    const res = await this.pool.get(fn.deadLetterQueueArn?.split(':')[3] ?? fn.region).sqs.send(
      new ReceiveMessageCommand({ QueueUrl: fn.deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }),
    );
    return (res.Messages ?? []).map((m) => `${m.MessageAttributes?.ErrorType?.StringValue ?? 'Error'}: ${m.MessageAttributes?.ErrorMessage?.StringValue ?? ''}`);
  }

  /** Pattern 1 and the audit trail's effects for each uploaded key, read back from the emulator. */
  async effects(uploads: readonly Uploaded[]): Promise<Map<string, EffectCounts>> {
    const published = new Map<string, number>();
    for (const n of await this.stack.notifications()) {
      let body: { key?: unknown; status?: unknown } = {};
      try {
        body = JSON.parse(n.message) as typeof body;
      } catch {
        continue;
      }
      if (typeof body.key === 'string' && n.subject?.startsWith('Analysis')) published.set(body.key, (published.get(body.key) ?? 0) + 1);
    }
    const out = new Map<string, EffectCounts>();
    for (const u of uploads) {
      const analysis = (await this.kv.get(`analysis/${u.key}`))?.value as { status?: string; versionId?: string } | undefined;
      const history = await queryHistory(this.doc, this.stack.outputs.auditTable, u.key);
      out.set(u.key, {
        analyses: analysis?.status === 'succeeded' && analysis.versionId === u.versionId ? 1 : 0,
        notifications: published.get(u.key) ?? 0,
        auditRecords: history.filter((r) => r.eventType === 'Object Created' && r.versionId === u.versionId).length,
      });
    }
    return out;
  }

  /** sent/processed/duplicated/lost over every effect of every key. */
  static figures(sent: number, effects: Map<string, EffectCounts>): DrillFigures {
    let processed = 0;
    let duplicated = 0;
    for (const e of effects.values()) {
      const counts = [e.analyses, e.notifications, e.auditRecords];
      if (counts.every((c) => c >= 1)) processed++;
      duplicated += counts.reduce((a, c) => a + Math.max(0, c - 1), 0);
    }
    return { sent, processed, duplicated, lost: sent - processed };
  }

  /**
   * Captures the S3 events EventBridge emits for keys under `prefix` (a rule and queue of the
   * drill's own, like the one the runtime adds for replication), so a drill can re-deliver the exact
   * events, ids included, as EventBridge's at-least-once delivery does.
   */
  async captureEvents(prefix: string): Promise<{ drain(expected: number, timeoutMs?: number): Promise<unknown[]>; close(): Promise<void> }> {
    const name = `drill-capture-${randomUUID().slice(0, 8)}`;
    const { sqs, events } = this.aws;
    const q = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const url = q.QueueUrl as string;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await events.send(
      new PutRuleCommand({
        Name: name,
        EventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [this.stack.outputs.bucket] }, object: { key: [{ prefix }] } } }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'capture', Arn: arn }] }));
    return {
      drain: async (expected, timeoutMs = 60_000) => {
        const got: unknown[] = [];
        const deadline = Date.now() + timeoutMs;
        while (got.length < expected) {
          if (Date.now() > deadline) throw new Error(`captured ${got.length} of ${expected} S3 events under ${prefix}`);
          const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
          const ms = res.Messages ?? [];
          for (const m of ms) got.push(JSON.parse(m.Body ?? 'null'));
          if (ms.length) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: ms.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
        }
        return got;
      },
      close: async () => {
        await events.send(new RemoveTargetsCommand({ Rule: name, Ids: ['capture'] }));
        await events.send(new DeleteRuleCommand({ Name: name }));
        await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      },
    };
  }

  /**
   * A Lambda execution environment of `fn` outside the runtime, configured as the runtime
   * configures its own (the same bundle, environment and emulator), so a drill can kill it
   * mid-invocation. The local runtime keeps its workers private; see the report for the hook asked.
   */
  environmentOf(fn: LocalFunction): FunctionWorker {
    return new FunctionWorker(
      fn,
      { ...this.stack.functionEnvironment(fn), POWERTOOLS_LOG_LEVEL: 'ERROR' },
      () => undefined,
    );
  }

  /** Polls until `probe` returns a value, failing with `what` after the timeout. */
  static async until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 25): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(everyMs);
    }
  }

  close(): void {
    this.pool.destroy();
  }
}

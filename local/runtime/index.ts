import { createHash, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../core/aws-config';
import { ClientPool, LOCAL_ACCOUNT_ID } from '../emulator/clients';
import type { Credentials } from '../iam/credentials';
import { FunctionPool, FunctionWorker, InvocationError } from './lambda-worker';
import type { LocalBucket, LocalFunction, LocalRule, Provisioned } from '../provision';
import { Replicator } from './replicator';
import { parseSchedule } from './schedule';

export interface RuntimeOptions {
  /** The emulator itself: the runtime acts as the AWS services (EventBridge, S3 replication, SNS). */
  readonly endpoint: string;
  /** Where functions send their calls (the policy-enforcing gateway), with their own role's credentials. */
  readonly functionEndpoint: string;
  readonly functionCredentials: (fn: LocalFunction) => Credentials;
  /** Waits between async-invocation attempts; AWS waits about 1 and 2 minutes. */
  readonly retryDelaysMs: number[];
  /** Print SNS notifications as they arrive. */
  readonly tail: boolean;
  /** Concurrent execution environments per function (Lambda scales out; default 4). */
  readonly concurrency?: number;
  readonly output: (line: string) => void;
}

export interface Notification {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
}

export type DeliveryOutcome = 'ok' | 'dead-lettered' | 'dropped';

interface Watched {
  readonly region: string;
  readonly url: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Matches a rule by logical id, physical name, or a unique substring of either. */
export function findRule(rules: LocalRule[], query: string): LocalRule {
  const exact = rules.filter((r) => r.logicalId === query || r.name === query);
  const candidates = exact.length ? exact : rules.filter((r) => r.logicalId.includes(query) || r.name.includes(query));
  const describe = () => rules.filter((r) => r.schedule).map((r) => `${r.logicalId} (${r.schedule})`).join(', ') || 'none';
  if (candidates.length === 0) throw new Error(`no rule matches "${query}"; scheduled rules: ${describe()}`);
  if (candidates.length > 1) throw new Error(`"${query}" matches ${candidates.length} rules (${candidates.map((r) => r.logicalId).join(', ')}); be more specific`);
  return candidates[0] as LocalRule;
}

/** Seconds an invoke-queue message stays hidden between heartbeats (see start()). */
const INVOKE_VISIBILITY_SECONDS = 15;

/**
 * The environment a Lambda execution environment of `fn` sees: the template's variables plus what
 * the Lambda service sets, with SDK clients pointed at the emulator.
 */
export function lambdaEnvironment(fn: LocalFunction, endpoint: string, credentials: Credentials): Record<string, string> {
  return {
    ...fn.environment,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    // As the Lambda service provides them: a session of the function's own execution role.
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs_local',
    LAMBDA_TASK_ROOT: fn.assetDir,
    _HANDLER: fn.handler,
  };
}

/**
 * The part of AWS that moto lacks: Lambda (a worker per function consuming its invoke queue, with
 * async-invocation retries and the dead-letter queue), EventBridge schedules, S3 replication, and a
 * reader for SNS topics.
 */
export class LocalRuntime {
  private readonly clients: ClientPool;
  private readonly workers = new Map<string, FunctionPool>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly watched: Watched[] = [];
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly received: Notification[] = [];
  private busy = 0;
  private running = false;
  /** Pollers waiting for an in-flight slot; stop() wakes them so they can exit. */
  private readonly waiting = new Set<() => void>();
  readonly replicator: Replicator;
  readonly stats = { invocations: 0, failures: 0, deadLettered: 0 };

  constructor(
    readonly provisioned: Provisioned,
    private readonly options: RuntimeOptions,
  ) {
    this.clients = new ClientPool(options.endpoint);
    // Every queue poller listens on this one signal.
    setMaxListeners(0, this.abort.signal);
    this.replicator = new Replicator(this.clients, provisioned.buckets);
  }

  async start(): Promise<void> {
    this.running = true;
    for (const fn of this.provisioned.functions) {
      // A short visibility timeout kept alive by a heartbeat while the invocation runs (the usual
      // SQS consumer pattern): a message whose ReceiveMessage response was lost (moto under load)
      // reappears within seconds instead of after the function's whole retry budget (up to 45 min).
      this.watch(fn.region, fn.invokeQueueUrl, (m) => this.onInvokeMessage(fn, m), {
        visibilitySeconds: INVOKE_VISIBILITY_SECONDS,
        maxInFlight: 10,
        heartbeat: true,
      });
    }
    for (const bucket of this.provisioned.buckets.filter((b) => b.replication.length)) await this.startReplication(bucket);
    for (const topic of this.provisioned.topics) this.watch(topic.region, topic.tailQueueUrl, (m) => this.onNotification(topic.arn, m), { visibilitySeconds: 30, maxInFlight: 10 });
    for (const rule of this.provisioned.rules.filter((r) => r.schedule && r.enabled)) this.schedule(rule);
  }


  private worker(fn: LocalFunction): FunctionPool {
    let w = this.workers.get(fn.arn);
    if (!w) {
      const create = () => new FunctionWorker(
        fn,
        lambdaEnvironment(fn, this.options.functionEndpoint, this.options.functionCredentials(fn)),
        this.options.output,
      );
      w = new FunctionPool(fn, create, this.options.concurrency ?? 4);
      this.workers.set(fn.arn, w);
    }
    return w;
  }

  /**
   * One asynchronous invocation as Lambda performs it: the first attempt, then up to
   * MaximumRetryAttempts more after a wait, then the event goes to the function's DLQ with the
   * error in its message attributes (as Lambda sends it).
   */
  async deliver(fn: LocalFunction, event: unknown): Promise<DeliveryOutcome> {
    const attempts = fn.maxRetryAttempts + 1;
    let last: Error | undefined;
    for (let i = 0; i < attempts; i++) {
      this.stats.invocations++;
      try {
        await this.worker(fn).invoke(event);
        return 'ok';
      } catch (err) {
        last = err as Error;
        this.stats.failures++;
        this.options.output(`[${fn.logicalId}] attempt ${i + 1}/${attempts} failed: ${last.message}`);
        if (i < attempts - 1) {
          const delays = this.options.retryDelaysMs;
          await sleep(delays[Math.min(i, delays.length - 1)] ?? 0);
        }
      }
    }
    if (!fn.deadLetterQueueUrl) {
      this.options.output(`[${fn.logicalId}] event dropped after ${attempts} attempts (no dead-letter queue)`);
      return 'dropped';
    }
    const dlqRegion = fn.deadLetterQueueArn?.split(':')[3] ?? fn.region;
    // Lambda sends to the dead-letter queue with the function's execution role: a role that may
    // not send there loses the event on AWS, and does here.
    const sqs = new SQSClient({ ...clientConfig({ endpoint: this.options.functionEndpoint, region: dlqRegion, maxAttempts: 3 }), credentials: this.options.functionCredentials(fn) });
    try {
      await sqs.send(
      new SendMessageCommand({
        QueueUrl: fn.deadLetterQueueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          RequestID: { DataType: 'String', StringValue: randomUUID() },
          ErrorCode: { DataType: 'Number', StringValue: '200' },
          ErrorMessage: { DataType: 'String', StringValue: (last?.message ?? 'unknown').slice(0, 1000) },
          ...(last instanceof InvocationError ? { ErrorType: { DataType: 'String', StringValue: last.errorType } } : {}),
        },
      }),
      );
    } catch (err) {
      this.options.output(`[${fn.logicalId}] event dropped: sending it to the dead-letter queue failed (${(err as Error).message})`);
      return 'dropped';
    } finally {
      sqs.destroy();
    }
    this.stats.deadLettered++;
    this.options.output(`[${fn.logicalId}] event sent to the dead-letter queue after ${attempts} attempts`);
    return 'dead-lettered';
  }

  private async onInvokeMessage(fn: LocalFunction, m: Message): Promise<boolean> {
    await this.deliver(fn, JSON.parse(m.Body ?? 'null'));
    return true;
  }

  private async onNotification(topicArn: string, m: Message): Promise<boolean> {
    const envelope = JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string; TopicArn?: string };
    const n: Notification = { topicArn: envelope.TopicArn ?? topicArn, subject: envelope.Subject ?? undefined, message: envelope.Message ?? '' };
    this.received.push(n);
    if (this.received.length > 10_000) this.received.shift();
    if (this.options.tail) {
      this.options.output(`[sns ${n.topicArn.split(':').pop()}] ${n.subject ? `${n.subject}: ` : ''}${n.message}`);
    }
    return true;
  }

  /**
   * moto stores the replication configuration but never acts on it. A rule of the runtime's own
   * (named local-replication-*) routes the source bucket's events under the rules' prefixes to a
   * queue the replicator consumes.
   */
  private async startReplication(bucket: LocalBucket): Promise<void> {
    const c = this.clients.get(bucket.region);
    const id = createHash('sha256').update(bucket.name).digest('hex').slice(0, 12);
    const name = `local-replication-${id}`;
    const q = await c.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }));
    const attrs = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }));
    await c.events.send(
      new PutRuleCommand({
        Name: name,
        Description: `local copy: S3 replication of ${bucket.name} (not part of the templates)`,
        EventPattern: JSON.stringify({
          source: ['aws.s3'],
          'detail-type': ['Object Created', 'Object Deleted'],
          detail: { bucket: { name: [bucket.name] }, object: { key: bucket.replication.map((r) => ({ prefix: r.prefix })) } },
        }),
      }),
    );
    await c.events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'replicator', Arn: attrs.Attributes?.QueueArn }] }));
    this.watch(
      bucket.region,
      q.QueueUrl as string,
      async (m) => {
        try {
          await this.replicator.replicate(bucket, JSON.parse(m.Body ?? '{}'));
          return true;
        } catch (err) {
          const receives = Number(m.Attributes?.ApproximateReceiveCount ?? '1');
          this.options.output(`[replication ${bucket.name}] attempt ${receives} failed: ${(err as Error).message}`);
          return receives >= 5;
        }
      },
      { visibilitySeconds: 10, maxInFlight: 4 },
    );
  }

  private schedule(rule: LocalRule): void {
    let schedule;
    try {
      schedule = parseSchedule(rule.schedule as string);
    } catch (err) {
      this.options.output(`[schedule] ${rule.logicalId}: ${(err as Error).message}`);
      return;
    }
    const arm = (after: Date) => {
      if (!this.running) return;
      const at = schedule.nextFire(after);
      // setTimeout caps at ~24.8 days; re-arm in steps for schedules further out.
      const wait = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (Date.now() < at.getTime()) return arm(after);
        void this.fire(rule).catch((err: Error) => this.options.output(`[schedule] ${rule.logicalId}: ${err.message}`));
        arm(at);
      }, Math.max(0, wait));
      this.timers.add(t);
    };
    arm(new Date());
  }

  /** Sends the "Scheduled Event" envelope EventBridge sends to every target of the rule. */
  private async fire(rule: LocalRule): Promise<DeliveryOutcome[]> {
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: rule.region,
      resources: [rule.arn],
      detail: {},
    };
    this.busy++;
    try {
      return await Promise.all(rule.functions.map((fn) => this.deliver(fn, event)));
    } finally {
      this.busy--;
    }
  }

  /** Fires a scheduled rule now and waits until its invocations (with retries) have finished. */
  async tick(query: string): Promise<DeliveryOutcome[]> {
    const rule = findRule(this.provisioned.rules, query);
    if (!rule.schedule) throw new Error(`rule ${rule.logicalId} has an event pattern, not a schedule; trigger it with a matching event`);
    return this.fire(rule);
  }

  notifications(): Notification[] {
    return [...this.received];
  }

  private watch(
    region: string,
    url: string,
    handle: (m: Message) => Promise<boolean>,
    o: { visibilitySeconds: number; maxInFlight: number; heartbeat?: boolean },
  ): void {
    this.watched.push({ region, url });
    const sqs = this.clients.get(region).sqs;
    let inFlight = 0;
    let slotFreed: (() => void) | undefined;
    const loop = async () => {
      let failing = false;
      while (this.running) {
        if (inFlight >= o.maxInFlight) {
          await new Promise<void>((r) => {
            slotFreed = r;
            this.waiting.add(r);
          });
          continue;
        }
        let messages: Message[];
        try {
          const res = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: url,
              MaxNumberOfMessages: Math.min(10, o.maxInFlight - inFlight),
              WaitTimeSeconds: 5,
              VisibilityTimeout: o.visibilitySeconds,
              MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            }),
            { abortSignal: this.abort.signal },
          );
          messages = res.Messages ?? [];
          if (failing) this.options.output(`[runtime] ${url.split('/').pop()}: emulator reachable again`);
          failing = false;
        } catch (err) {
          if (!this.running) break;
          if (!failing) this.options.output(`[runtime] ${url.split('/').pop()}: receive failed (${(err as Error).message}); retrying`);
          failing = true;
          await sleep(500);
          continue;
        }
        for (const m of messages) {
          inFlight++;
          this.busy++;
          const beat = o.heartbeat
            ? setInterval(() => {
                sqs
                  .send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: o.visibilitySeconds }))
                  .catch(() => undefined);
              }, (o.visibilitySeconds * 1000) / 3)
            : undefined;
          void handle(m)
            .then(async (remove) => {
              if (remove) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
            })
            .catch((err: Error) => this.options.output(`[runtime] ${url.split('/').pop()}: ${err.message} (the message will be retried)`))
            .finally(() => {
              if (beat) clearInterval(beat);
              inFlight--;
              this.busy--;
              const wake = slotFreed;
              slotFreed = undefined;
              if (wake) {
                this.waiting.delete(wake);
                wake();
              }
            });
        }
      }
    };
    this.loops.push(loop());
  }

  /** Resolves once no invocation, replication or notification is queued or running. */
  async waitForIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietRounds = 0;
    while (quietRounds < 2) {
      if (Date.now() > deadline) throw new Error(`local stack not idle after ${timeoutMs} ms (${this.busy} deliveries running)`);
      let pending = this.busy;
      if (pending === 0) {
        const counts = await Promise.all(
          this.watched.map(async (w) => {
            const a = await this.clients.get(w.region).sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: w.url,
                AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
              }),
            );
            const at = a.Attributes ?? {};
            return Number(at.ApproximateNumberOfMessages ?? 0) + Number(at.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(at.ApproximateNumberOfMessagesDelayed ?? 0);
          }),
        );
        pending = counts.reduce((a, b) => a + b, 0) + this.busy;
      }
      quietRounds = pending === 0 ? quietRounds + 1 : 0;
      await sleep(pending === 0 ? 50 : 100);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.abort.abort();
    for (const wake of this.waiting) wake();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
    this.clients.destroy();
  }
}

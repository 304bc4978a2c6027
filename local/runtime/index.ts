import { Message, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ClientPool, LOCAL_ACCOUNT_ID } from '../emulator/clients';
import type { Credentials } from '../iam/credentials';
import type { LocalFunction, Provisioned } from '../provision';
import { Activity } from './activity';
import { DeliveryOutcome, InvocationStats, Invoker } from './invoker';
import type { LambdaBackend } from './lambda-api';
import { Notification, NotificationTail } from './notifications';
import { QueueWatcher } from './queue-watcher';
import { startReplication } from './replication';
import { Replicator } from './replicator';
import { Scheduler } from './schedules';

export type { DeliveryOutcome } from './invoker';
export type { Notification } from './notifications';
export { lambdaEnvironment } from './environment';

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

/** Seconds an invoke-queue message stays hidden between heartbeats (see start()). */
const INVOKE_VISIBILITY_SECONDS = 15;

/**
 * The part of AWS that moto lacks, assembled from one module per responsibility: Lambda (the
 * invoker, fed by a consumer of each function's invoke queue), EventBridge schedules, S3
 * replication and a reader for SNS topics, all counted by one Activity for waitForIdle(). It is
 * also the backend of the Lambda API the gateway serves (lambda-api.ts).
 */
export class LocalRuntime implements LambdaBackend {
  readonly accountId = LOCAL_ACCOUNT_ID;
  private readonly clients: ClientPool;
  private readonly activity: Activity;
  private readonly watcher: QueueWatcher;
  private readonly scheduler: Scheduler;
  private readonly tail: NotificationTail;
  readonly invoker: Invoker;
  readonly replicator: Replicator;

  constructor(
    readonly provisioned: Provisioned,
    private readonly options: RuntimeOptions,
  ) {
    this.clients = new ClientPool(options.endpoint);
    this.activity = new Activity(this.clients);
    this.watcher = new QueueWatcher(this.clients, this.activity, options.output);
    this.invoker = new Invoker(options);
    this.scheduler = new Scheduler(provisioned.rules, this.invoker, this.activity, options.output);
    this.tail = new NotificationTail(options.tail, options.output);
    this.replicator = new Replicator(this.clients, provisioned.buckets);
  }

  get stats(): InvocationStats {
    return this.invoker.stats;
  }

  get functions(): readonly LocalFunction[] {
    return this.provisioned.functions;
  }

  invoke(fn: LocalFunction, event: unknown): Promise<unknown> {
    return this.invoker.invoke(fn, event);
  }

  /** An asynchronous invocation, as Lambda queues it: onto the function's invoke queue. */
  async enqueue(fn: LocalFunction, event: unknown): Promise<void> {
    await this.clients.get(fn.region).sqs.send(new SendMessageCommand({ QueueUrl: fn.invokeQueueUrl, MessageBody: JSON.stringify(event) }));
  }

  async start(): Promise<void> {
    for (const fn of this.provisioned.functions) {
      // A short visibility timeout kept alive by a heartbeat while the invocation runs (the usual
      // SQS consumer pattern): a message whose ReceiveMessage response was lost (moto under load)
      // reappears within seconds instead of after the function's whole retry budget (up to 45 min).
      this.watcher.watch(fn.region, fn.invokeQueueUrl, (m) => this.onInvokeMessage(fn, m), {
        visibilitySeconds: INVOKE_VISIBILITY_SECONDS,
        maxInFlight: 10,
        heartbeat: true,
      });
    }
    for (const bucket of this.provisioned.buckets.filter((b) => b.replication.length)) {
      await startReplication(bucket, this.clients, this.watcher, this.replicator, this.options.output);
    }
    for (const topic of this.provisioned.topics) {
      this.watcher.watch(topic.region, topic.tailQueueUrl, (m) => this.tail.onMessage(topic.arn, m), { visibilitySeconds: 30, maxInFlight: 10 });
    }
    this.scheduler.start();
  }

  private async onInvokeMessage(fn: LocalFunction, m: Message): Promise<boolean> {
    await this.invoker.deliver(fn, JSON.parse(m.Body ?? 'null'));
    return true;
  }

  /** Fires a scheduled rule now and waits until its invocations (with retries) have finished. */
  async tick(query: string): Promise<DeliveryOutcome[]> {
    return this.scheduler.tick(query);
  }

  notifications(): Notification[] {
    return this.tail.list();
  }

  /** Resolves once no invocation, replication or notification is queued or running. */
  waitForIdle(timeoutMs?: number): Promise<void> {
    return this.activity.waitForIdle(timeoutMs);
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.watcher.stop();
    await this.invoker.stop();
    this.clients.destroy();
  }
}

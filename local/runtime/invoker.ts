import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../core/aws-config';
import type { Credentials } from '../iam/credentials';
import type { LocalFunction } from '../provision';
import { lambdaEnvironment } from './environment';
import { FunctionPool, FunctionWorker, InvocationError } from './lambda-worker';

export type DeliveryOutcome = 'ok' | 'dead-lettered' | 'dropped';

export interface InvokerOptions {
  /** Where functions send their calls (the policy-enforcing gateway), with their own role's credentials. */
  readonly functionEndpoint: string;
  readonly functionCredentials: (fn: LocalFunction) => Credentials;
  /** Waits between async-invocation attempts; AWS waits about 1 and 2 minutes. */
  readonly retryDelaysMs: number[];
  /** Concurrent execution environments per function (Lambda scales out; default 4). */
  readonly concurrency?: number;
  readonly output: (line: string) => void;
}

export interface InvocationStats {
  invocations: number;
  failures: number;
  deadLettered: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lambda's invocation service: a pool of execution environments per function, asynchronous
 * invocation with its retries and dead-letter queue, and synchronous invocation.
 */
export class Invoker {
  private readonly pools = new Map<string, FunctionPool>();
  readonly stats: InvocationStats = { invocations: 0, failures: 0, deadLettered: 0 };

  constructor(private readonly options: InvokerOptions) {}

  private pool(fn: LocalFunction): FunctionPool {
    let pool = this.pools.get(fn.arn);
    if (!pool) {
      const create = () => new FunctionWorker(
        fn,
        lambdaEnvironment(fn, this.options.functionEndpoint, this.options.functionCredentials(fn)),
        this.options.output,
      );
      pool = new FunctionPool(fn, create, this.options.concurrency ?? 4);
      this.pools.set(fn.arn, pool);
    }
    return pool;
  }

  /**
   * A synchronous invocation (RequestResponse): one attempt, no retries, the handler's result or
   * its InvocationError to the caller, as Lambda answers Invoke.
   */
  async invoke(fn: LocalFunction, event: unknown): Promise<unknown> {
    this.stats.invocations++;
    try {
      return await this.pool(fn).invoke(event);
    } catch (err) {
      this.stats.failures++;
      throw err;
    }
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
        await this.pool(fn).invoke(event);
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
    if (!(await this.sendToDeadLetterQueue(fn, event, last))) return 'dropped';
    this.stats.deadLettered++;
    this.options.output(`[${fn.logicalId}] event sent to the dead-letter queue after ${attempts} attempts`);
    return 'dead-lettered';
  }

  /**
   * Lambda sends to the dead-letter queue with the function's execution role: a role that may not
   * send there loses the event on AWS, and does here.
   */
  private async sendToDeadLetterQueue(fn: LocalFunction, event: unknown, last: Error | undefined): Promise<boolean> {
    const dlqRegion = fn.deadLetterQueueArn?.split(':')[3] ?? fn.region;
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
      return true;
    } catch (err) {
      this.options.output(`[${fn.logicalId}] event dropped: sending it to the dead-letter queue failed (${(err as Error).message})`);
      return false;
    } finally {
      sqs.destroy();
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pools.values()].map((p) => p.stop()));
    this.pools.clear();
  }
}

import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { ClientPool } from '../emulator/clients';

/** A queue the runtime consumes; idle means every one of them is empty. */
export interface WatchedQueue {
  readonly region: string;
  readonly url: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What the runtime has in hand: deliveries running (queue messages being handled, schedules
 * firing) and the queues that may still hold work. waitForIdle() needs both, because a message is
 * in neither place only between a receive and its handler starting.
 */
export class Activity {
  private running = 0;
  readonly queues: WatchedQueue[] = [];

  constructor(private readonly clients: ClientPool) {}

  get busy(): number {
    return this.running;
  }

  begin(): void {
    this.running++;
  }

  end(): void {
    this.running--;
  }

  /** Resolves once no invocation, replication or notification is queued or running. */
  async waitForIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietRounds = 0;
    while (quietRounds < 2) {
      if (Date.now() > deadline) throw new Error(`local stack not idle after ${timeoutMs} ms (${this.running} deliveries running)`);
      let pending = this.running;
      if (pending === 0) {
        const counts = await Promise.all(this.queues.map((q) => this.depth(q)));
        pending = counts.reduce((a, b) => a + b, 0) + this.running;
      }
      quietRounds = pending === 0 ? quietRounds + 1 : 0;
      await sleep(pending === 0 ? 50 : 100);
    }
  }

  private async depth(q: WatchedQueue): Promise<number> {
    const a = await this.clients.get(q.region).sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: q.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const at = a.Attributes ?? {};
    return Number(at.ApproximateNumberOfMessages ?? 0) + Number(at.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(at.ApproximateNumberOfMessagesDelayed ?? 0);
  }
}

import { setMaxListeners } from 'node:events';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { ClientPool } from '../emulator/clients';
import type { Activity } from './activity';

export interface WatchOptions {
  readonly visibilitySeconds: number;
  readonly maxInFlight: number;
  /** Keep the message hidden while its handler runs (ChangeMessageVisibility every third of the timeout). */
  readonly heartbeat?: boolean;
}

/** Handles one message; true deletes it, false leaves it to reappear after the visibility timeout. */
export type MessageHandler = (m: Message) => Promise<boolean>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The runtime's SQS consumers: one long-polling loop per queue with a bound on messages in
 * flight, deleting a message only after its handler succeeded. Every loop listens on one abort
 * signal, so stop() ends them all at once.
 */
export class QueueWatcher {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  /** Pollers waiting for an in-flight slot; stop() wakes them so they can exit. */
  private readonly waiting = new Set<() => void>();
  private running = true;

  constructor(
    private readonly clients: ClientPool,
    private readonly activity: Activity,
    private readonly output: (line: string) => void,
  ) {
    setMaxListeners(0, this.abort.signal);
  }

  watch(region: string, url: string, handle: MessageHandler, o: WatchOptions): void {
    this.activity.queues.push({ region, url });
    this.loops.push(this.loop(region, url, handle, o));
  }

  private async loop(region: string, url: string, handle: MessageHandler, o: WatchOptions): Promise<void> {
    const sqs = this.clients.get(region).sqs;
    const name = url.split('/').pop();
    let inFlight = 0;
    let slotFreed: (() => void) | undefined;
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
        if (failing) this.output(`[runtime] ${name}: emulator reachable again`);
        failing = false;
      } catch (err) {
        if (!this.running) break;
        if (!failing) this.output(`[runtime] ${name}: receive failed (${(err as Error).message}); retrying`);
        failing = true;
        await sleep(500);
        continue;
      }
      for (const m of messages) {
        inFlight++;
        this.activity.begin();
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
          .catch((err: Error) => this.output(`[runtime] ${name}: ${err.message} (the message will be retried)`))
          .finally(() => {
            if (beat) clearInterval(beat);
            inFlight--;
            this.activity.end();
            const wake = slotFreed;
            slotFreed = undefined;
            if (wake) {
              this.waiting.delete(wake);
              wake();
            }
          });
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    for (const wake of this.waiting) wake();
    await Promise.allSettled(this.loops);
  }
}

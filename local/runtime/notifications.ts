import type { Message } from '@aws-sdk/client-sqs';

export interface Notification {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
}

/** How many notifications are kept for notifications() (the oldest are dropped). */
const KEPT = 10_000;

/**
 * A reader for SNS topics: each topic's tail queue (subscribed at provisioning) delivers every
 * message published to it; they are kept for notifications() and printed with --tail.
 */
export class NotificationTail {
  private readonly received: Notification[] = [];

  constructor(
    private readonly print: boolean,
    private readonly output: (line: string) => void,
  ) {}

  /** The handler for a topic's tail queue (always consumes the message). */
  async onMessage(topicArn: string, m: Message): Promise<boolean> {
    const envelope = JSON.parse(m.Body ?? '{}') as { Subject?: string; Message?: string; TopicArn?: string };
    const n: Notification = { topicArn: envelope.TopicArn ?? topicArn, subject: envelope.Subject ?? undefined, message: envelope.Message ?? '' };
    this.received.push(n);
    if (this.received.length > KEPT) this.received.shift();
    if (this.print) this.output(`[sns ${n.topicArn.split(':').pop()}] ${n.subject ? `${n.subject}: ` : ''}${n.message}`);
    return true;
  }

  list(): Notification[] {
    return [...this.received];
  }
}

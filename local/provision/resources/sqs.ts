import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { RegionClients } from '../../emulator/clients';
import { generatedName } from '../naming';
import { stringAttributes, str, tagList } from '../props';
import type { ResourceModule } from '../registry';

/** Creates a queue and reads back its ARN (the other modules' queues — tails, invoke queues — too). */
export async function createQueue(
  c: RegionClients,
  name: string,
  attributes: Record<string, string>,
  tags: Array<{ Key: string; Value: string }> = [],
): Promise<{ url: string; arn: string }> {
  const q = await c.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes, tags: tags.length ? Object.fromEntries(tags.map((t) => [t.Key, t.Value])) : undefined }),
  );
  const url = q.QueueUrl as string;
  const a = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: a.Attributes?.QueueArn as string };
}

/** moto's queue URLs carry account and name; the region comes from the signing client. */
export function queueUrlFromArn(endpoint: string, queueArn: string): string {
  const [, , , , account, name] = queueArn.split(':');
  return `${endpoint}/${account}/${name}`;
}

const QUEUE_ATTRIBUTES = [
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
  'RedrivePolicy',
] as const;

/** AWS::SQS::Queue. */
export const sqsResources: ResourceModule = {
  'AWS::SQS::Queue': async ({ stack, logicalId, resource, props, clients }) => {
    const fifo = props.FifoQueue === true;
    const name = str(props.QueueName) ?? `${generatedName(stack.name, logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
    const q = await createQueue(clients, name, stringAttributes(props, QUEUE_ATTRIBUTES), tagList(props.Tags));
    return { type: resource.Type, ref: q.url, attrs: { Arn: q.arn, QueueName: name, QueueUrl: q.url } };
  },
};

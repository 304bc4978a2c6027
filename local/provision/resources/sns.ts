import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { stringAttributes, str, tagList } from '../props';
import type { ResourceModule } from '../registry';
import { createQueue } from './sqs';

/** AWS::SNS::Topic (with the local tail queue the runtime reads every notification from) and AWS::SNS::Subscription. */
export const snsResources: ResourceModule = {
  'AWS::SNS::Topic': async ({ stack, resource, props, clients: c, named, result }) => {
    const name = named('TopicName', 256);
    const attributes = stringAttributes(props, ['DisplayName', 'KmsMasterKeyId', 'FifoTopic', 'ContentBasedDeduplication', 'SignatureVersion', 'TracingConfig']);
    const topic = await c.sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes, Tags: tagList(props.Tags) }));
    const topicArn = topic.TopicArn as string;
    // The runtime prints what every topic publishes (--tail) from this subscribed queue.
    const tail = await createQueue(c, `local-tail-${name}`.slice(0, 80), {});
    await c.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: tail.arn }));
    result.topics.push({ arn: topicArn, region: stack.region, tailQueueUrl: tail.url });
    return { type: resource.Type, ref: topicArn, attrs: { TopicArn: topicArn, TopicName: name } };
  },
  'AWS::SNS::Subscription': async ({ logicalId, resource, props, clients: c, where, result }) => {
    const protocol = str(props.Protocol) as string;
    if (protocol === 'lambda') {
      result.notEmulated.push(`${where} (${resource.Type}, lambda): SNS-to-Lambda subscriptions are not delivered locally`);
    }
    const attributes = stringAttributes(props, ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy']);
    const sub = await c.sns.send(
      new SubscribeCommand({ TopicArn: str(props.TopicArn), Protocol: protocol, Endpoint: str(props.Endpoint), Attributes: attributes }),
    );
    return { type: resource.Type, ref: sub.SubscriptionArn ?? `${str(props.TopicArn)}:${logicalId}`, attrs: {} };
  },
};

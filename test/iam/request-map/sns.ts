/** Request mapping — SNS over the query protocol. */
import { ACCOUNT, EU, expectChecks, form, K1, TOPIC, via, type Expected } from './fixture';

const SNS_ROWS: Array<readonly [string, Record<string, string>, readonly Expected[]]> = [
  ['Publish to an encrypted topic: kms via sns', { Action: 'Publish', TopicArn: TOPIC, Message: 'm' }, [['sns:Publish', TOPIC], ['kms:GenerateDataKey', K1, via('sns')], ['kms:Decrypt', K1, via('sns')]]],
  ['Publish to an unencrypted topic', { Action: 'Publish', TopicArn: `arn:aws:sns:${EU}:${ACCOUNT}:plain`, Message: 'm' }, [['sns:Publish', `arn:aws:sns:${EU}:${ACCOUNT}:plain`]]],
  ['PublishBatch → sns:Publish', { Action: 'PublishBatch', TopicArn: TOPIC, 'PublishBatchRequestEntries.member.1.Id': '1', 'PublishBatchRequestEntries.member.1.Message': 'm' }, [['sns:Publish', TOPIC], ['kms:GenerateDataKey', K1], ['kms:Decrypt', K1]]],
  ['Subscribe with protocol and endpoint', { Action: 'Subscribe', TopicArn: TOPIC, Protocol: 'email', Endpoint: 'ops@example.com' }, [['sns:Subscribe', TOPIC, { 'sns:Protocol': 'email', 'sns:Endpoint': 'ops@example.com' }]]],
  ['Unsubscribe: subscription ARN → its topic', { Action: 'Unsubscribe', SubscriptionArn: `${TOPIC}:0f1e2d3c-aaaa-bbbb-cccc-123456789012` }, [['sns:Unsubscribe', TOPIC]]],
  ['GetSubscriptionAttributes', { Action: 'GetSubscriptionAttributes', SubscriptionArn: `${TOPIC}:abc` }, [['sns:GetSubscriptionAttributes', TOPIC]]],
  ['CreateTopic by name', { Action: 'CreateTopic', Name: 'new' }, [['sns:CreateTopic', `arn:aws:sns:${EU}:${ACCOUNT}:new`]]],
  ['ListTopics', { Action: 'ListTopics' }, [['sns:ListTopics', '*']]],
];

export function snsSuite(): void {
  describe('SNS (query protocol)', () => {
    test.each(SNS_ROWS)('%s', (name, params, expected) => {
      expectChecks(name, form('sns', params), expected, params.Action);
    });
  });
}

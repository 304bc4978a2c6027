/** Request mapping — SQS in both protocols (JSON and query). */
import { ACCOUNT, EU, expectChecks, form, json } from './fixture';

const QURL = `http://127.0.0.1:4566/${ACCOUNT}/blob-dev-dlq`;
const QARN = `arn:aws:sqs:${EU}:${ACCOUNT}:blob-dev-dlq`;
const SQS_OPS: Array<[string, string, Record<string, unknown>, string]> = [
  ['SendMessage', 'sqs:SendMessage', { QueueUrl: QURL, MessageBody: 'm' }, QARN],
  ['SendMessageBatch → SendMessage', 'sqs:SendMessage', { QueueUrl: QURL }, QARN],
  ['ReceiveMessage', 'sqs:ReceiveMessage', { QueueUrl: QURL }, QARN],
  ['DeleteMessage', 'sqs:DeleteMessage', { QueueUrl: QURL, ReceiptHandle: 'r' }, QARN],
  ['DeleteMessageBatch → DeleteMessage', 'sqs:DeleteMessage', { QueueUrl: QURL }, QARN],
  ['ChangeMessageVisibilityBatch → ChangeMessageVisibility', 'sqs:ChangeMessageVisibility', { QueueUrl: QURL }, QARN],
  ['GetQueueAttributes', 'sqs:GetQueueAttributes', { QueueUrl: QURL }, QARN],
  ['GetQueueUrl by name', 'sqs:GetQueueUrl', { QueueName: 'blob-dev-dlq' }, QARN],
  ['SendMessage to another account’s queue URL', 'sqs:SendMessage', { QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/444455556666/q' }, `arn:aws:sqs:${EU}:444455556666:q`],
  ['ListQueues', 'sqs:ListQueues', {}, '*'],
];

export function sqsSuite(): void {
  describe('SQS in both protocols: batches as single actions, queue URL → ARN', () => {
    test.each(SQS_OPS)('JSON (X-Amz-Target AmazonSQS.*): %s', (name, action, params, arn) => {
      const op = name.split(' ')[0] as string;
      expectChecks(`sqs json ${name}`, json('sqs', `AmazonSQS.${op}`, params), [[action, arn]], op);
    });
    test.each(SQS_OPS)('query (Action=…): %s', (name, action, params, arn) => {
      const op = name.split(' ')[0] as string;
      const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
      expectChecks(`sqs query ${name}`, form('sqs', { Action: op, ...flat }), [[action, arn]], op);
    });
    test('query protocol addressed by the queue URL path', () => {
      expectChecks('sqs query by path', form('sqs', { Action: 'SendMessage', MessageBody: 'm' }, `/${ACCOUNT}/blob-dev-dlq`), [['sqs:SendMessage', QARN]]);
    });
  });
}

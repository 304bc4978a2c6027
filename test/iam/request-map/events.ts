/** Request mapping — EventBridge: PutEvents per entry, rules by bus. */
import { ACCOUNT, EU, expectChecks, json } from './fixture';

const BUS = (name: string) => `arn:aws:events:${EU}:${ACCOUNT}:event-bus/${name}`;
const RULE = (path: string) => `arn:aws:events:${EU}:${ACCOUNT}:rule/${path}`;

export function eventBridgeSuite(): void {
  describe('EventBridge: PutEvents per entry with events:source and events:detail-type; rules by bus', () => {
    test('PutEvents over the default bus, a named bus and a bus ARN', () => {
      expectChecks(
        'events PutEvents',
        json('events', 'AWSEvents.PutEvents', {
          Entries: [
            { Source: 'blob.cli', DetailType: 'Object Tagged', Detail: '{}' },
            { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}', EventBusName: 'custom' },
            { Source: 'x', DetailType: 'y', Detail: '{}', EventBusName: BUS('other') },
          ],
        }),
        [
          ['events:PutEvents', BUS('default'), { 'events:source': 'blob.cli', 'events:detail-type': 'Object Tagged' }],
          ['events:PutEvents', BUS('custom'), { 'events:source': 'aws.s3', 'events:detail-type': 'Object Created' }],
          ['events:PutEvents', BUS('other'), { 'events:source': 'x' }],
        ],
        'PutEvents',
      );
    });
    test.each([
      ['PutRule on the default bus', 'PutRule', { Name: 'r1', EventPattern: '{}' }, RULE('r1')],
      ['PutRule on a custom bus', 'PutRule', { Name: 'r1', EventBusName: 'custom' }, RULE('custom/r1')],
      ['PutRule on a bus given by ARN', 'PutRule', { Name: 'r1', EventBusName: BUS('custom') }, RULE('custom/r1')],
      ['DescribeRule', 'DescribeRule', { Name: 'r1' }, RULE('r1')],
      ['EnableRule', 'EnableRule', { Name: 'r1' }, RULE('r1')],
      ['DisableRule', 'DisableRule', { Name: 'r1', EventBusName: 'default' }, RULE('r1')],
      ['DeleteRule', 'DeleteRule', { Name: 'r1' }, RULE('r1')],
      ['PutTargets', 'PutTargets', { Rule: 'r1', Targets: [] }, RULE('r1')],
      ['RemoveTargets', 'RemoveTargets', { Rule: 'r1', EventBusName: 'custom', Ids: ['1'] }, RULE('custom/r1')],
      ['ListTargetsByRule', 'ListTargetsByRule', { Rule: 'r1' }, RULE('r1')],
      ['ListRules', 'ListRules', { NamePrefix: 'r' }, '*'],
    ] as const)('%s', (name, op, body, arn) => {
      expectChecks(name, json('events', `AWSEvents.${op}`, body), [[`events:${op}`, arn]], op);
    });
  });
}

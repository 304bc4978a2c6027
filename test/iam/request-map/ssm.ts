/** Request mapping — SSM parameters: names, selectors and ARNs. */
import { ACCOUNT, EU, expectChecks, json } from './fixture';

const PARAM = (name: string) => `arn:aws:ssm:${EU}:${ACCOUNT}:parameter/${name}`;

export function ssmSuite(): void {
  describe('SSM parameters: leading slash not doubled, selectors and ARNs', () => {
    test.each([
      ['GetParameter /blob/dev/bucket', { Name: '/blob/dev/bucket' }, [PARAM('blob/dev/bucket')]],
      ['GetParameter without a leading slash', { Name: 'plain' }, [PARAM('plain')]],
      ['GetParameter with a version selector', { Name: '/blob/dev/bucket:3' }, [PARAM('blob/dev/bucket')]],
      ['GetParameter with a label selector', { Name: '/blob/dev/bucket:prod' }, [PARAM('blob/dev/bucket')]],
      ['GetParameter by ARN', { Name: PARAM('blob/dev/bucket') }, [PARAM('blob/dev/bucket')]],
    ] as const)('%s', (name, body, arns) => {
      expectChecks(name, json('ssm', 'AmazonSSM.GetParameter', body), arns.map((a) => ['ssm:GetParameter', a] as const));
    });
    test('GetParameters: one check per name', () => {
      expectChecks('ssm GetParameters', json('ssm', 'AmazonSSM.GetParameters', { Names: ['/blob/dev/a', 'b', '/blob/dev/c:1'] }), [
        ['ssm:GetParameters', PARAM('blob/dev/a')],
        ['ssm:GetParameters', PARAM('b')],
        ['ssm:GetParameters', PARAM('blob/dev/c')],
      ]);
    });
    test('GetParametersByPath: the path, with ssm:Recursive', () => {
      expectChecks('ssm by path', json('ssm', 'AmazonSSM.GetParametersByPath', { Path: '/blob/dev', Recursive: true }), [['ssm:GetParametersByPath', PARAM('blob/dev'), { 'ssm:Recursive': 'true' }]]);
    });
    test('PutParameter, DeleteParameters, AddTagsToResource, DescribeParameters', () => {
      expectChecks('ssm put', json('ssm', 'AmazonSSM.PutParameter', { Name: '/x/y', Value: 'v', Type: 'String' }), [['ssm:PutParameter', PARAM('x/y')]]);
      expectChecks('ssm delete', json('ssm', 'AmazonSSM.DeleteParameters', { Names: ['/x/y', '/x/z'] }), [['ssm:DeleteParameters', PARAM('x/y')], ['ssm:DeleteParameters', PARAM('x/z')]]);
      expectChecks('ssm tag', json('ssm', 'AmazonSSM.AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/x/y', Tags: [] }), [['ssm:AddTagsToResource', PARAM('x/y')]]);
      expectChecks('ssm describe', json('ssm', 'AmazonSSM.DescribeParameters', {}), [['ssm:DescribeParameters', '*']]);
    });
  });
}

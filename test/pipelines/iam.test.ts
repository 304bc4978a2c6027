import { Template } from 'aws-cdk-lib/assertions';
import { buildEnv } from '../stacks/app-fixture';

/**
 * Least privilege, checked on the synthesized templates of both pipelines stacks: no function
 * policy holds a wildcard action on S3 or DynamoDB, a `*` resource for them, or a whole-bucket
 * object ARN (`bucket/*`). Prefix-scoped object ARNs (`bucket/uploads/*`) are the intended form.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
}

const DATA_SERVICES = /^(s3|dynamodb):/;

function resourcesOf(r: Json): Json[] {
  return Array.isArray(r) ? r : [r];
}

/** The literal tail of a resource: a string, or the last string of an Fn::Join. */
function tailOf(resource: Json): string | undefined {
  if (typeof resource === 'string') return resource;
  if (resource && typeof resource === 'object' && !Array.isArray(resource) && 'Fn::Join' in resource) {
    const parts = (resource['Fn::Join'] as [string, Json[]])[1];
    const last = parts[parts.length - 1];
    return typeof last === 'string' ? last : undefined;
  }
  return undefined;
}

export function violations(template: Record<string, unknown>): string[] {
  const out: string[] = [];
  const resources = (template as { Resources: Record<string, { Type: string; Properties: { PolicyDocument?: { Statement: Statement[] } } }> }).Resources;
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    for (const st of r.Properties.PolicyDocument?.Statement ?? []) {
      if (st.Effect !== 'Allow') continue;
      const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
      if (actions.includes('*')) out.push(`${id}: Action "*"`);
      const data = actions.filter((a) => DATA_SERVICES.test(a));
      for (const a of data) if (a.includes('*')) out.push(`${id}: wildcard action ${a}`);
      if (!data.length) continue;
      for (const res of resourcesOf(st.Resource)) {
        const tail = tailOf(res);
        if (res === '*') out.push(`${id}: ${data.join(',')} on resource "*"`);
        else if (tail === '/*' || tail?.endsWith(':*')) out.push(`${id}: ${data.join(',')} on a whole-bucket/table wildcard ${JSON.stringify(res)}`);
      }
    }
  }
  return out;
}

const { stacks } = buildEnv('dev', { bundle: false });
const templates = {
  pipelines: Template.fromStack(stacks.pipelines).toJSON(),
  replicaPipelines: Template.fromStack(stacks.replicaPipelines).toJSON(),
};

test.each(Object.entries(templates))('%s: no wildcard action or resource on S3 or DynamoDB data', (_name, template) => {
  expect(violations(template)).toEqual([]);
  // Not vacuous: the functions do hold prefix-scoped S3 and DynamoDB grants.
  const text = JSON.stringify(template);
  expect(text).toContain('"s3:GetObject"');
  expect(text).toContain('"dynamodb:PutItem"');
});

test('the checker catches what it forbids', () => {
  const bad = {
    Resources: {
      P: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: 's3:GetObject*', Resource: 'arn:aws:s3:::b/uploads/*' },
              { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' },
              { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/*']] } },
              { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/uploads/*']] } },
            ],
          },
        },
      },
    },
  };
  expect(violations(bad)).toHaveLength(3);
});

test('pattern 3 runs at minute 5 of every hour', () => {
  const rules = Object.values((templates.pipelines as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources).filter(
    (r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression !== undefined && String(r.Properties.Description).startsWith('Pattern 3'),
  );
  expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(['cron(5 * * * ? *)']);
});

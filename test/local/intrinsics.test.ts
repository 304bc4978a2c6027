import { evaluateCondition, Json, references, resolve, ResolveContext } from '../../local/provision/intrinsics';
import { parseSchedule } from '../../local/runtime/schedule';
import { findRule } from '../../local/runtime/schedules';
import type { LocalRule } from '../../local/provision';

const ctx: ResolveContext = {
  accountId: '123456789012',
  region: 'eu-central-1',
  stackName: 'Blob-dev-Storage',
  ref: (id) => ({ Bucket: 'my-bucket', Queue: 'http://q/123/my-queue', Env: 'dev' })[id] ?? (() => { throw new Error(`no ${id}`); })(),
  getAtt: (id, attr) => (id === 'Bucket' && attr === 'Arn' ? 'arn:aws:s3:::my-bucket' : id === 'Key' && attr === 'Arn' ? 'arn:aws:kms:eu-central-1:123456789012:key/k1' : (() => { throw new Error(`no ${id}.${attr}`); })()),
  importValue: (name) => (name === 'Storage:BucketName' ? 'imported-bucket' : (() => { throw new Error(`no export ${name}`); })()),
  condition: (name) => name === 'IsDev',
};

describe('intrinsic resolver', () => {
  test.each<[string, Json, Json]>([
    ['Ref to a resource', { Ref: 'Bucket' }, 'my-bucket'],
    ['pseudo parameters', { 'Fn::Join': [':', [{ Ref: 'AWS::AccountId' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::StackName' }]] }, '123456789012:eu-central-1:aws:amazonaws.com:Blob-dev-Storage'],
    ['Fn::GetAtt list and dotted forms', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, { 'Fn::GetAtt': 'Key.Arn' }], ['arn:aws:s3:::my-bucket', 'arn:aws:kms:eu-central-1:123456789012:key/k1']],
    ['Fn::Sub with pseudo, resource, attribute and escaped variables', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/* ${Key.Arn} ${!Literal}' }, 'arn:aws:s3:::my-bucket/* arn:aws:kms:eu-central-1:123456789012:key/k1 ${Literal}'],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['${A}-${Env}', { A: { Ref: 'Bucket' } }] }, 'my-bucket-dev'],
    ['Fn::Select over Fn::Split', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'Queue' }] }] }, 'q'],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'Storage:BucketName' }, 'imported-bucket'],
    ['Fn::If with AWS::NoValue removes the property', { A: { 'Fn::If': ['IsDev', 'yes', 'no'] }, B: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] } }, { A: 'yes' }],
    ['nested objects and arrays', { Vars: { BUCKET: { Ref: 'Bucket' }, N: 3, On: true }, L: [{ Ref: 'Env' }] }, { Vars: { BUCKET: 'my-bucket', N: 3, On: true }, L: ['dev'] }],
  ])('%s', (_name, input, expected) => {
    expect(resolve(input, ctx)).toEqual(expected);
  });

  test('unknown functions and bad Select indexes fail with what was wrong', () => {
    expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, ctx)).toThrow('Fn::Cidr is not supported by the local copy');
    expect(() => resolve({ 'Fn::Select': [5, ['a']] }, ctx)).toThrow('Fn::Select: index 5 out of range for 1 items');
    expect(() => resolve({ Ref: 'Missing' }, ctx)).toThrow('no Missing');
  });

  test('conditions', () => {
    expect(evaluateCondition({ 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] }, ctx)).toBe(true);
    expect(evaluateCondition({ 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }, { 'Fn::Not': [{ Condition: 'IsProd' }] }] }, ctx)).toBe(true);
    expect(evaluateCondition({ 'Fn::Or': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'b'] }] }, ctx)).toBe(false);
  });

  test('references collect Ref, GetAtt and Sub dependencies but not pseudo parameters', () => {
    const refs = references({ a: { Ref: 'Bucket' }, b: { 'Fn::GetAtt': ['Key', 'Arn'] }, c: { 'Fn::Sub': '${Queue}-${AWS::Region}-${Topic.TopicName}-${!x}' }, d: { Ref: 'AWS::AccountId' } });
    expect([...refs].sort()).toEqual(['Bucket', 'Key', 'Queue', 'Topic']);
  });
});

describe('schedule expressions', () => {
  const at = new Date('2026-11-25T08:17:30Z');
  test.each([
    ['rate(5 minutes)', '2026-11-25T08:22:30.000Z'],
    ['rate(1 hour)', '2026-11-25T09:17:30.000Z'],
    ['cron(0 * * * ? *)', '2026-11-25T09:00:00.000Z'],
    ['cron(15 10 ? * MON-FRI *)', '2026-11-25T10:15:00.000Z'],
    ['cron(0/20 8 * * ? *)', '2026-11-25T08:20:00.000Z'],
    ['cron(0 0 1 JAN ? *)', '2027-01-01T00:00:00.000Z'],
    ['cron(0 12 ? * 1 *)', '2026-11-29T12:00:00.000Z'],
  ])('%s fires next at %s', (expr, next) => {
    expect(parseSchedule(expr).nextFire(at).toISOString()).toBe(next);
  });

  test.each([
    ['rate(0 minutes)', 'rate must be at least 1'],
    ['rate(1 minutes)', 'use "1 minute"'],
    ['cron(0 12 * * *)', 'cron needs 6 fields'],
    ['cron(0 12 * * MON *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 12 L * ? *)', 'not supported locally'],
    ['every day', 'expected rate(<n> <unit>) or cron(<6 fields>)'],
  ])('%s is rejected: %s', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrow(message);
  });
});

describe('rule lookup for --tick', () => {
  const rule = (logicalId: string, schedule?: string) => ({ logicalId, name: `Stack-${logicalId}-X`, schedule }) as unknown as LocalRule;
  const rules = [rule('HourlyBatchRule1', 'rate(1 hour)'), rule('LogAnalysisRule2', 'cron(5 * * * ? *)'), rule('UploadRule3')];
  test('by logical id substring, unique', () => {
    expect(findRule(rules, 'Hourly').logicalId).toBe('HourlyBatchRule1');
  });
  test('unknown and ambiguous names say what exists', () => {
    expect(() => findRule(rules, 'Nope')).toThrow('no rule matches "Nope"; scheduled rules: HourlyBatchRule1 (rate(1 hour)), LogAnalysisRule2 (cron(5 * * * ? *))');
    expect(() => findRule(rules, 'Rule')).toThrow('"Rule" matches 3 rules');
  });
});

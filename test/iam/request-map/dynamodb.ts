/** Request mapping — DynamoDB: actions per table or item, dynamodb:LeadingKeys exactly the partition keys touched. */
import { UNKNOWN_LEADING_KEY } from '../../../local/iam/request-map/dynamodb';
import { ACCOUNT, EU, expectChecks, json, K1, via, type Expected } from './fixture';

const TABLE = `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/kv`;
const AUDIT = `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/audit`;
const ddbKms: Expected = ['kms:Decrypt', K1, { ...via('dynamodb'), 'kms:EncryptionContext:aws:dynamodb:tableName': 'kv' }];
const ddb = (op: string, body: unknown) => json('dynamodb', `DynamoDB_20120810.${op}`, body);
const S = (s: string) => ({ S: s });

type DdbRow = readonly [name: string, op: string, body: unknown, expected: readonly Expected[]];

const LK = (...keys: string[]) => ({ 'dynamodb:LeadingKeys': keys });
const NO_LK = { 'dynamodb:LeadingKeys': undefined };

const QUERY_FORMS: Array<[string, Record<string, unknown>]> = [
  ['#pk = :v', { KeyConditionExpression: '#pk = :v', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': S('analysis') } }],
  ['pk = :v', { KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': S('analysis') } }],
  [':v = #pk (reversed)', { KeyConditionExpression: ':v = #pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': S('analysis') } }],
  ['no spaces, parentheses', { KeyConditionExpression: '(#pk=:v)', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': S('analysis') } }],
  ['kvstore: #pk = :pk AND begins_with(#sk, :prefix)', { KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':pk': S('analysis'), ':prefix': S('x') } }],
  ['sort-key equality first', { KeyConditionExpression: '#sk = :s AND #pk = :v', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':v': S('analysis'), ':s': S('pk') } }],
  ['sort key <= and BETWEEN', { KeyConditionExpression: '#pk = :v and #sk BETWEEN :a AND :b', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':v': S('analysis'), ':a': S('a'), ':b': S('b') } }],
  ['sort key >= with newlines', { KeyConditionExpression: '#pk = :v\n  AND #sk >= :a', ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' }, ExpressionAttributeValues: { ':v': S('analysis'), ':a': S('a') } }],
  ['placeholder names with underscores and digits', { KeyConditionExpression: '#p_k1 = :pk_value_2', ExpressionAttributeNames: { '#p_k1': 'pk' }, ExpressionAttributeValues: { ':pk_value_2': S('analysis') } }],
  ['legacy KeyConditions', { KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('analysis')] }, sk: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [S('x')] } } }],
];

const DDB_ROWS: DdbRow[] = [
  ['GetItem', 'GetItem', { TableName: 'kv', Key: { pk: S('analysis'), sk: S('a') } }, [['dynamodb:GetItem', TABLE, LK('analysis')], ddbKms]],
  ['GetItem on a table ARN (TableName may be an ARN)', 'GetItem', { TableName: TABLE, Key: { pk: S('analysis'), sk: S('a') } }, [['dynamodb:GetItem', TABLE, LK('analysis')], ddbKms]],
  ['PutItem', 'PutItem', { TableName: 'kv', Item: { pk: S('deployment'), sk: S('total'), v: { N: '1' } } }, [['dynamodb:PutItem', TABLE, LK('deployment')], ddbKms]],
  ['PutItem with a numeric partition key', 'PutItem', { TableName: 'audit', Item: { id: { N: '42' } } }, [['dynamodb:PutItem', AUDIT, LK('42')]]],
  ['PutItem without the partition key: undetermined, not empty', 'PutItem', { TableName: 'kv', Item: { sk: S('x') } }, [['dynamodb:PutItem', TABLE, LK(UNKNOWN_LEADING_KEY)], ddbKms]],
  ['UpdateItem', 'UpdateItem', { TableName: 'kv', Key: { pk: S('deployment'), sk: S('n') }, UpdateExpression: 'ADD #v :one' }, [['dynamodb:UpdateItem', TABLE, LK('deployment')], ddbKms]],
  ['DeleteItem', 'DeleteItem', { TableName: 'kv', Key: { pk: S('lock'), sk: S('n') } }, [['dynamodb:DeleteItem', TABLE, LK('lock')], ddbKms]],
  ...QUERY_FORMS.map(([form, q]): DdbRow => [`Query ${form}`, 'Query', { TableName: 'kv', ...q }, [['dynamodb:Query', TABLE, LK('analysis')], ddbKms]]),
  ['Query whose key condition does not name the partition key: undetermined', 'Query', { TableName: 'kv', KeyConditionExpression: '#sk = :s', ExpressionAttributeNames: { '#sk': 'sk' }, ExpressionAttributeValues: { ':s': S('x') } }, [['dynamodb:Query', TABLE, LK(UNKNOWN_LEADING_KEY)], ddbKms]],
  ['Query on an index', 'Query', { TableName: 'audit', IndexName: 'byKey', KeyConditionExpression: '#k = :k', ExpressionAttributeNames: { '#k': 'key' }, ExpressionAttributeValues: { ':k': S('sessions/a') } }, [['dynamodb:Query', `${AUDIT}/index/byKey`, LK('sessions/a')]]],
  ['Scan: no LeadingKeys', 'Scan', { TableName: 'kv' }, [['dynamodb:Scan', TABLE, NO_LK], ddbKms]],
  ['Scan of an index', 'Scan', { TableName: 'audit', IndexName: 'i' }, [['dynamodb:Scan', `${AUDIT}/index/i`, NO_LK]]],
  [
    'BatchGetItem over two tables: per table, each partition key once',
    'BatchGetItem',
    { RequestItems: { kv: { Keys: [{ pk: S('a'), sk: S('1') }, { pk: S('b'), sk: S('1') }, { pk: S('a'), sk: S('2') }] }, audit: { Keys: [{ id: S('x') }] } } },
    [['dynamodb:BatchGetItem', TABLE, LK('a', 'b')], ['dynamodb:BatchGetItem', AUDIT, LK('x')], ddbKms],
  ],
  [
    'BatchWriteItem puts and deletes over two tables',
    'BatchWriteItem',
    { RequestItems: { kv: [{ PutRequest: { Item: { pk: S('a'), sk: S('1') } } }, { DeleteRequest: { Key: { pk: S('c'), sk: S('1') } } }], audit: [{ PutRequest: { Item: { id: S('y') } } }] } },
    [['dynamodb:BatchWriteItem', TABLE, LK('a', 'c')], ['dynamodb:BatchWriteItem', AUDIT, LK('y')], ddbKms],
  ],
  [
    'TransactWriteItems: each item its own action',
    'TransactWriteItems',
    {
      TransactItems: [
        { Put: { TableName: 'kv', Item: { pk: S('a'), sk: S('1') } } },
        { Update: { TableName: 'kv', Key: { pk: S('b'), sk: S('1') }, UpdateExpression: 'SET x = :x' } },
        { Delete: { TableName: 'audit', Key: { id: S('c') } } },
        { ConditionCheck: { TableName: 'kv', Key: { pk: S('d'), sk: S('1') }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
    },
    [['dynamodb:PutItem', TABLE, LK('a')], ['dynamodb:UpdateItem', TABLE, LK('b')], ['dynamodb:DeleteItem', AUDIT, LK('c')], ['dynamodb:ConditionCheckItem', TABLE, LK('d')], ddbKms],
  ],
  ['TransactGetItems', 'TransactGetItems', { TransactItems: [{ Get: { TableName: 'kv', Key: { pk: S('a'), sk: S('1') } } }, { Get: { TableName: 'audit', Key: { id: S('b') } } }] }, [['dynamodb:GetItem', TABLE, LK('a')], ['dynamodb:GetItem', AUDIT, LK('b')], ddbKms]],
  ['DescribeTable', 'DescribeTable', { TableName: 'kv' }, [['dynamodb:DescribeTable', TABLE]]],
  ['UpdateTimeToLive', 'UpdateTimeToLive', { TableName: 'kv', TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } }, [['dynamodb:UpdateTimeToLive', TABLE]]],
  ['CreateTable', 'CreateTable', { TableName: 'newt' }, [['dynamodb:CreateTable', `arn:aws:dynamodb:${EU}:${ACCOUNT}:table/newt`]]],
  ['ListTables', 'ListTables', {}, [['dynamodb:ListTables', '*']]],
  ['ListTagsOfResource', 'ListTagsOfResource', { ResourceArn: TABLE }, [['dynamodb:ListTagsOfResource', TABLE]]],
  ['DescribeStream (stream ARN kept whole)', 'DescribeStream', { StreamArn: `${TABLE}/stream/2024-01-01T00:00:00.000` }, [['dynamodb:DescribeStream', `${TABLE}/stream/2024-01-01T00:00:00.000`]]],
];

export function dynamoDbSuite(): void {
  describe('DynamoDB: actions per table or item, LeadingKeys exactly the partition keys touched', () => {
    test.each(DDB_ROWS)('%s', (name, op, body, expected) => {
      expectChecks(name, ddb(op, body), expected, op);
    });
    test('every QUERY_FORMS entry is one the SDK or lib-dynamodb sends (lib-dynamodb marshalls values only)', () => {
      expect(QUERY_FORMS.length).toBeGreaterThanOrEqual(10);
    });
  });
}

import type { AuthzRequest } from '../evaluate';
import { IncomingCall, MapContext, MappedCall, jsonCall, viaService } from './types';

/**
 * DynamoDB JSON requests → actions per table, with dynamodb:LeadingKeys (the partition-key values
 * the request touches) as the kvstore grants scope them. Transactions are authorized per item with
 * the item's own action, batches per table, as DynamoDB does. A table encrypted with a
 * customer-managed key also needs kms:Decrypt through DynamoDB for the caller.
 */

type AttributeValue = { S?: string; N?: string; B?: string } & Record<string, unknown>;
type Item = Record<string, AttributeValue>;
type Body = Record<string, unknown>;

const DATA_PLANE = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems',
]);

/**
 * Stands for a partition key the request names but this mapper cannot read (an item without its
 * key attribute, a key condition it cannot parse, a table it does not know). AWS always knows the
 * value; leaving it out would make `ForAllValues:*` LeadingKeys conditions true for an empty set,
 * so it is kept as a value no namespace pattern matches.
 */
export const UNKNOWN_LEADING_KEY = '(partition key value not determined)';

function scalar(v: AttributeValue | undefined): string | undefined {
  if (!v) return undefined;
  return v.S ?? v.N ?? v.B;
}

/** The partition-key value a Query's key condition pins: `#pk = :v` or `pk = :v`, either side, any spacing or parentheses. */
export function queryLeadingKey(body: Body, hashKey: string): string | undefined {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Item;
  const expr = body.KeyConditionExpression;
  if (typeof expr === 'string') {
    // `<=`/`>=` cannot match: neither `<` nor `>` is an operand character.
    for (const m of expr.matchAll(/([#:]?[\w.-]+)\s*=\s*([#:]?[\w.-]+)/g)) {
      const [left, right] = [m[1] as string, m[2] as string];
      const [name, value] = left.startsWith(':') ? [right, left] : [left, right];
      if (!value.startsWith(':') || name.startsWith(':')) continue;
      const attr = name.startsWith('#') ? names[name] : name;
      if (attr === hashKey) return scalar(values[value]);
    }
    return undefined;
  }
  const legacy = (body.KeyConditions ?? {}) as Record<string, { ComparisonOperator?: string; AttributeValueList?: AttributeValue[] }>;
  return legacy[hashKey]?.ComparisonOperator === 'EQ' ? scalar(legacy[hashKey]?.AttributeValueList?.[0]) : undefined;
}

/** TableName (or a RequestItems key) may be a table name or, since 2024, a table ARN. */
function tableRef(nameOrArn: string, region: string, account: string): { name: string; region: string; arn: string } {
  if (nameOrArn.startsWith('arn:')) {
    const parts = nameOrArn.split(':');
    const name = (parts.slice(5).join(':').split('/')[1] ?? '') as string;
    return { name, region: parts[3] ?? region, arn: nameOrArn };
  }
  return { name: nameOrArn, region, arn: `arn:aws:dynamodb:${region}:${account}:table/${nameOrArn}` };
}

export function mapDynamoDB(call: IncomingCall, ctx: MapContext): MappedCall {
  const { operation, body } = jsonCall(call) as { operation: string; body: Body };
  const account = ctx.directory.accountId;
  const checks: AuthzRequest[] = [];
  const tablesTouched = new Map<string, { name: string; region: string }>(); // ARN → table, for the KMS check
  const add = (action: string, table: string, keys: Array<string | undefined> | undefined, index?: string) => {
    const t = tableRef(table, call.region, account);
    // Exactly the partition-key values touched, each once; one that cannot be read stays visible.
    const leading = keys ? [...new Set(keys.map((k) => k ?? UNKNOWN_LEADING_KEY))] : undefined;
    checks.push({
      action,
      resource: index ? `${t.arn}/index/${index}` : t.arn,
      context: { ...ctx.common, ...(leading?.length ? { 'dynamodb:LeadingKeys': leading } : {}) },
    });
    tablesTouched.set(t.arn, t);
  };
  const hashKeyOf = (table: string) => {
    const t = tableRef(table, call.region, account);
    return ctx.directory.table(t.region, t.name)?.hashKey || undefined;
  };
  const hashOf = (table: string, item: Item | undefined) => {
    const hk = hashKeyOf(table);
    return hk && item ? scalar(item[hk]) : undefined;
  };
  const tableName = typeof body.TableName === 'string' ? body.TableName : '';
  const indexName = typeof body.IndexName === 'string' ? body.IndexName : undefined;

  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      add(`dynamodb:${operation}`, tableName, [hashOf(tableName, body.Key as Item)]);
      break;
    case 'PutItem':
      add('dynamodb:PutItem', tableName, [hashOf(tableName, body.Item as Item)]);
      break;
    case 'Query': {
      // An index's partition key is not in the directory: a key condition with a single equality
      // is read as the index's partition key, anything else stays undetermined.
      const hk = indexName ? undefined : hashKeyOf(tableName);
      add('dynamodb:Query', tableName, [hk ? queryLeadingKey(body, hk) : indexName ? singleEquality(body) : undefined], indexName);
      break;
    }
    case 'Scan':
      add('dynamodb:Scan', tableName, undefined, indexName);
      break;
    case 'BatchGetItem':
      for (const [table, req] of Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>)) {
        add('dynamodb:BatchGetItem', table, (req.Keys ?? []).map((k) => hashOf(table, k)));
      }
      break;
    case 'BatchWriteItem':
      for (const [table, reqs] of Object.entries((body.RequestItems ?? {}) as Record<string, Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>>)) {
        add('dynamodb:BatchWriteItem', table, reqs.map((r) => hashOf(table, r.PutRequest?.Item ?? r.DeleteRequest?.Key)));
      }
      break;
    case 'TransactWriteItems':
      for (const t of (body.TransactItems ?? []) as Array<Record<string, { TableName: string; Item?: Item; Key?: Item }>>) {
        const [kind, op] = Object.entries(t)[0] ?? [];
        if (!kind || !op) continue;
        const action = { Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem' }[kind];
        if (action) add(action, op.TableName, [hashOf(op.TableName, op.Item ?? op.Key)]);
      }
      break;
    case 'TransactGetItems':
      for (const t of (body.TransactItems ?? []) as Array<{ Get?: { TableName: string; Key: Item } }>) {
        if (t.Get) add('dynamodb:GetItem', t.Get.TableName, [hashOf(t.Get.TableName, t.Get.Key)]);
      }
      break;
    default:
      checks.push({ action: `dynamodb:${operation}`, resource: controlPlaneResource(body, call.region, account), context: { ...ctx.common } });
  }
  if (DATA_PLANE.has(operation)) {
    for (const t of tablesTouched.values()) {
      const key = ctx.directory.table(t.region, t.name)?.kmsKeyArn;
      // DynamoDB's encryption context names the table and the account (its KMS documentation).
      if (key) checks.push(viaService('kms:Decrypt', key, 'dynamodb', t.region, ctx, { 'kms:EncryptionContext:aws:dynamodb:tableName': t.name, 'kms:EncryptionContext:aws:dynamodb:subscriberId': account }));
    }
  }
  return { operation, checks };
}

/** The value of a key condition that has exactly one equality (a GSI query's partition key). */
function singleEquality(body: Body): string | undefined {
  const expr = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  const eqs = [...expr.matchAll(/([#:]?[\w.-]+)\s*=\s*([#:]?[\w.-]+)/g)];
  if (eqs.length !== 1) return undefined;
  const [l, r] = [eqs[0]?.[1] as string, eqs[0]?.[2] as string];
  return scalar(((body.ExpressionAttributeValues ?? {}) as Item)[l.startsWith(':') ? l : r]);
}

/** Table-level operations: the table (by name or ARN), a stream or backup ARN as given, else '*'. */
function controlPlaneResource(body: Body, region: string, account: string): string {
  for (const k of ['TableName', 'GlobalTableName']) {
    if (typeof body[k] === 'string') return tableRef(body[k] as string, region, account).arn;
  }
  for (const k of ['ResourceArn', 'StreamArn', 'BackupArn', 'TableArn', 'ExportArn', 'ImportArn']) {
    if (typeof body[k] === 'string') return body[k] as string;
  }
  return '*';
}

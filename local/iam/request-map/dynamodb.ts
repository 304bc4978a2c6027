import type { AuthzRequest } from '../evaluate';
import { IncomingCall, MapContext, MappedCall, header, viaService } from './types';

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

function scalar(v: AttributeValue | undefined): string | undefined {
  if (!v) return undefined;
  return v.S ?? v.N ?? v.B;
}

/** The partition-key value a Query's key condition pins (`#pk = :v` or `pk = :v`, either order). */
export function queryLeadingKey(body: Body, hashKey: string): string | undefined {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Item;
  const expr = body.KeyConditionExpression;
  if (typeof expr === 'string') {
    for (const m of expr.matchAll(/([#\w.]+)\s*=\s*(:[\w]+)|(:[\w]+)\s*=\s*([#\w.]+)/g)) {
      const name = m[1] ?? m[4];
      const value = m[2] ?? m[3];
      const attr = name?.startsWith('#') ? names[name] : name;
      if (attr === hashKey && value) return scalar(values[value]);
    }
    return undefined;
  }
  const legacy = (body.KeyConditions ?? {}) as Record<string, { AttributeValueList?: AttributeValue[] }>;
  return scalar(legacy[hashKey]?.AttributeValueList?.[0]);
}

export function mapDynamoDB(call: IncomingCall, ctx: MapContext): MappedCall {
  const operation = (header(call, 'x-amz-target') ?? '').split('.').pop() ?? '';
  let body: Body = {};
  try {
    body = JSON.parse(call.body?.toString('utf8') || '{}') as Body;
  } catch {
    /* an unparseable body is authorized on the table alone; DynamoDB itself answers SerializationException */
  }
  const tableArn = (name: string, index?: string) => `arn:aws:dynamodb:${call.region}:${ctx.directory.accountId}:table/${name}${index ? `/index/${index}` : ''}`;
  const checks: AuthzRequest[] = [];
  const keysByTable = new Map<string, Set<string>>();
  const add = (action: string, table: string, keys: Array<string | undefined> | undefined, index?: string) => {
    const leading = keys?.filter((k): k is string => k !== undefined);
    checks.push({
      action,
      resource: tableArn(table, index),
      context: { ...ctx.common, ...(leading && keys && keys.length ? { 'dynamodb:LeadingKeys': leading } : {}) },
    });
    const seen = keysByTable.get(table) ?? new Set<string>();
    keysByTable.set(table, seen);
  };
  const hashOf = (table: string, item: Item | undefined) => {
    const hk = ctx.directory.table(call.region, table)?.hashKey;
    return hk && item ? scalar(item[hk]) : undefined;
  };

  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      add(`dynamodb:${operation}`, String(body.TableName), [hashOf(String(body.TableName), body.Key as Item)]);
      break;
    case 'PutItem':
      add('dynamodb:PutItem', String(body.TableName), [hashOf(String(body.TableName), body.Item as Item)]);
      break;
    case 'Query': {
      const table = String(body.TableName);
      const hk = ctx.directory.table(call.region, table)?.hashKey;
      add('dynamodb:Query', table, [hk ? queryLeadingKey(body, hk) : undefined], typeof body.IndexName === 'string' ? body.IndexName : undefined);
      break;
    }
    case 'Scan':
      add('dynamodb:Scan', String(body.TableName), undefined, typeof body.IndexName === 'string' ? body.IndexName : undefined);
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
    default: {
      const table = typeof body.TableName === 'string' ? body.TableName : typeof body.ResourceArn === 'string' ? String(body.ResourceArn).split('/').pop() : undefined;
      checks.push({ action: `dynamodb:${operation}`, resource: table ? tableArn(table) : '*', context: { ...ctx.common } });
    }
  }
  if (DATA_PLANE.has(operation)) {
    for (const table of keysByTable.keys()) {
      const key = ctx.directory.table(call.region, table)?.kmsKeyArn;
      if (key) checks.push(viaService('kms:Decrypt', key, 'dynamodb', call.region, ctx));
    }
  }
  return { operation, checks };
}

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A partition + sort key pair as the stacks declare them (KVSTORE_KEY, AUDIT_KEY). */
export interface CompositeKey {
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** An on-demand table with string partition and sort keys, as the Storage stack deploys kvstore and audit. */
export async function createCompositeKeyTable(ddb: DynamoDBClient, tableName: string, key: CompositeKey): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: key.partitionKey, AttributeType: 'S' },
        { AttributeName: key.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: key.partitionKey, KeyType: 'HASH' },
        { AttributeName: key.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
}

/** The idempotency table Powertools uses: a single string key `id`. */
export async function createIdempotencyTable(ddb: DynamoDBClient, tableName: string): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
}

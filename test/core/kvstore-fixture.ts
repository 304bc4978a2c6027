import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../core/aws-config';
import { KvStore } from '../../core/kvstore';
import { KVSTORE_KEY } from '../../core/kvstore-key';

/** A kvstore table on a moto endpoint with the key schema the Storage stack deploys (KVSTORE_KEY). */
export async function createKvTable(endpoint: string, tableName: string): Promise<KvStore> {
  const ddb = new DynamoDBClient(clientConfig({ endpoint, region: 'eu-central-1' }));
  await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: KVSTORE_KEY.partitionKey, AttributeType: 'S' },
        { AttributeName: KVSTORE_KEY.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: KVSTORE_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: KVSTORE_KEY.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  return new KvStore(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), tableName);
}

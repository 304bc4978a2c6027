import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../core/aws-config';
import { KvStore } from '../../core/kvstore';
import { KVSTORE_KEY } from '../../core/kvstore-key';
import { createCompositeKeyTable } from '../support/tables';

/** A kvstore table on a moto endpoint with the key schema the Storage stack deploys (KVSTORE_KEY). */
export async function createKvTable(endpoint: string, tableName: string): Promise<KvStore> {
  const ddb = new DynamoDBClient(clientConfig({ endpoint, region: 'eu-central-1' }));
  await createCompositeKeyTable(ddb, tableName, KVSTORE_KEY);
  return new KvStore(DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }), tableName);
}

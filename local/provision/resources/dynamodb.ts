import { CreateTableCommand, UpdateContinuousBackupsCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { RegionClients } from '../../emulator/clients';
import type { Json } from '../intrinsics';
import { Props, str, tagList } from '../props';
import type { ResourceModule } from '../registry';

/** CreateTable from the template's properties, then the settings DynamoDB applies separately (TTL, PITR). */
async function createTable(c: RegionClients, name: string, props: Props): Promise<void> {
  const sse = props.SSESpecification as Record<string, Json> | undefined;
  const stream = props.StreamSpecification as Record<string, Json> | undefined;
  const gsis = props.GlobalSecondaryIndexes as Array<Record<string, Json>> | undefined;
  const input = {
    TableName: name,
    AttributeDefinitions: props.AttributeDefinitions,
    KeySchema: props.KeySchema,
    BillingMode: str(props.BillingMode) ?? 'PROVISIONED',
    ProvisionedThroughput: props.ProvisionedThroughput,
    GlobalSecondaryIndexes: gsis?.map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
      ProvisionedThroughput: g.ProvisionedThroughput,
    })),
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
    StreamSpecification: stream ? { StreamEnabled: true, StreamViewType: stream.StreamViewType } : undefined,
    SSESpecification: sse
      ? { Enabled: sse.SSEEnabled === true, SSEType: str(sse.SSEType), KMSMasterKeyId: str(sse.KMSMasterKeyId) }
      : undefined,
    DeletionProtectionEnabled: props.DeletionProtectionEnabled === true,
    Tags: tagList(props.Tags).length ? tagList(props.Tags) : undefined,
  } as unknown as CreateTableCommandInput;
  await c.dynamodb.send(new CreateTableCommand(input));
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled && ttl.AttributeName) {
    await c.dynamodb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
  }
  const pitr = props.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean } | undefined;
  if (pitr?.PointInTimeRecoveryEnabled) {
    await c.dynamodb.send(
      new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    );
  }
}

/** AWS::DynamoDB::Table. */
export const dynamodbResources: ResourceModule = {
  'AWS::DynamoDB::Table': async ({ resource, props, clients, named, arn }) => {
    const name = named('TableName', 255);
    await createTable(clients, name, props);
    return { type: resource.Type, ref: name, attrs: { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/local`) } };
  },
};

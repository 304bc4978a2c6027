import { Template } from 'aws-cdk-lib/assertions';
import { Json, envs, replica, storage } from './storage-fixture';
import { LOGICAL_STORES, encodeStores } from '../../core/logical-stores';

/** Template-level proof of the storage layer's tables, its discovery parameters and its deployment order. */

describe('kvstore table and tables of the layer', () => {
  test('kvstore key design: namespace partition key pk, whole key sort key sk', () => {
    storage.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'blob-dev-kvstore',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  test('on-demand billing, point-in-time recovery, TTL attribute and KMS encryption on every table', () => {
    for (const t of [storage, replica]) {
      const tables = Object.values(t.findResources('AWS::DynamoDB::Table'));
      expect(tables.length).toBeGreaterThanOrEqual(2);
      for (const table of tables) {
        const p = table.Properties as Json;
        expect(p.BillingMode).toBe('PAY_PER_REQUEST');
        expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(p.TimeToLiveSpecification).toEqual({ AttributeName: expect.any(String), Enabled: true });
        expect(p.SSESpecification).toEqual(expect.objectContaining({ SSEEnabled: true, SSEType: 'KMS' }));
      }
    }
    storage.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'blob-dev-kvstore', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });
});

describe('discovery: SSM parameters and outputs per environment', () => {
  test.each(['dev', 'staging', 'prod'] as const)('%s publishes bucket, table, topic and audit table names', (env) => {
    const t = Template.fromStack(envs[env].stacks.storage);
    for (const name of ['bucket-name', 'kvstore-table-name', 'notification-topic-arn', 'audit-table-name']) {
      t.hasResourceProperties('AWS::SSM::Parameter', { Name: `/blob/${env}/${name}`, Type: 'String' });
    }
    for (const output of ['BucketName', 'KvstoreTableName', 'NotificationTopicArn', 'AuditTableName']) t.hasOutput(output, {});
    const r = Template.fromStack(envs[env].stacks.replicaStorage);
    r.hasResourceProperties('AWS::SSM::Parameter', { Name: `/blob/${env}/replica-bucket-name` });
    r.hasOutput('ReplicaBucketName', {});
  });

  test.each(['dev', 'staging', 'prod'] as const)('%s publishes its logical stores (core/logical-stores.ts), which blob maps s3://<store>/ with', (env) => {
    Template.fromStack(envs[env].stacks.storage).hasResourceProperties('AWS::SSM::Parameter', { Name: `/blob/${env}/logical-stores`, Type: 'String', Value: encodeStores(LOGICAL_STORES) });
  });
});

describe('deployment order and regions', () => {
  test.each(['dev', 'staging', 'prod'] as const)('%s: replica storage deploys before storage (cdk deploy --all)', (env) => {
    const assembly = envs[env].app.synth();
    const storageArtifact = assembly.getStackByName(`Blob-${env}-Storage`);
    expect(storageArtifact.dependencies.map((d) => d.id)).toContain(`Blob-${env}-ReplicaStorage`);
    expect(storageArtifact.environment.region).toBe('eu-central-1');
    expect(assembly.getStackByName(`Blob-${env}-ReplicaStorage`).environment.region).toBe('us-west-2');
  });
});

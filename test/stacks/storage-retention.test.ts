import { Match, Template } from 'aws-cdk-lib/assertions';
import { EnvironmentName } from '../../lib/config';
import { Json, dev, envs, replica, storage } from './storage-fixture';

/** Template-level proof that prod retains its data and that dev and staging can be torn down. */

describe('prod retains data, dev can be torn down', () => {
  const stateful = ['AWS::S3::Bucket', 'AWS::KMS::Key'];

  test('prod: deletion protection on kvstore and audit tables, Retain on buckets, keys and data tables', () => {
    const prodStorage = Template.fromStack(envs.prod.stacks.storage);
    for (const name of ['blob-prod-kvstore', 'blob-prod-audit']) {
      prodStorage.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ TableName: name, DeletionProtectionEnabled: true }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
    for (const t of [prodStorage, Template.fromStack(envs.prod.stacks.replicaStorage)]) {
      for (const type of stateful) {
        for (const r of Object.values(t.findResources(type))) expect(r.DeletionPolicy).toBe('Retain');
      }
    }
    expect(envs.prod.stacks.storage.terminationProtection).toBe(true);
    expect(envs.prod.stacks.replicaStorage.terminationProtection).toBe(true);
  });

  test('dev: no deletion protection and Delete policies, so `cdk destroy` removes everything', () => {
    for (const t of [storage, replica]) {
      for (const table of Object.values(t.findResources('AWS::DynamoDB::Table'))) {
        expect((table.Properties as Json).DeletionProtectionEnabled).toBe(false);
        expect(table.DeletionPolicy).toBe('Delete');
      }
      for (const type of stateful) {
        for (const r of Object.values(t.findResources(type))) expect(r.DeletionPolicy).toBe('Delete');
      }
    }
    expect(dev.storage.terminationProtection).toBe(false);
  });
});

describe('`cdk destroy` of dev and staging succeeds on buckets holding versions and delete markers; prod keeps retaining', () => {
  const storageTemplates = (env: EnvironmentName) => [Template.fromStack(envs[env].stacks.storage), Template.fromStack(envs[env].stacks.replicaStorage)];

  test.each(['dev', 'staging'] as const)('%s: every bucket with DeletionPolicy Delete is emptied by a Custom::S3AutoDeleteObjects first', (env) => {
    let buckets = 0;
    for (const t of storageTemplates(env)) {
      const emptied = Object.values(t.findResources('Custom::S3AutoDeleteObjects')).map((r) => ((r.Properties as Json).BucketName as { Ref: string }).Ref);
      const destroyable = Object.entries(t.findResources('AWS::S3::Bucket')).filter(([, b]) => b.DeletionPolicy === 'Delete');
      // CloudFormation cannot delete a versioned bucket that still holds a version or delete marker.
      expect(destroyable.every(([, b]) => (b.Properties as Json).VersioningConfiguration !== undefined)).toBe(true);
      expect(emptied.sort()).toEqual(destroyable.map(([id]) => id).sort());
      buckets += destroyable.length;
    }
    // storage, access-log (primary), replica, access-log (replica region)
    expect(buckets).toBe(4);
  });

  test.each(['dev', 'staging'] as const)('%s: the auto-delete provider may touch only those buckets, through their bucket policies', (env) => {
    for (const t of storageTemplates(env)) {
      for (const r of Object.values(t.findResources('Custom::S3AutoDeleteObjects'))) {
        const bucket = (r.Properties as Json).BucketName;
        t.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: bucket,
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CustomS3AutoDeleteObjectsCustomResourceProviderRole'), 'Arn'] } },
                Action: Match.arrayWith(['s3:DeleteObject*']),
              }),
            ]),
          }),
        });
      }
    }
  });

  test('prod: no auto-delete resource or provider exists, and every bucket is retained', () => {
    for (const t of storageTemplates('prod')) {
      expect(t.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
      expect(JSON.stringify(t.toJSON())).not.toMatch(/AutoDeleteObjects|aws-cdk:auto-delete-objects/);
      const buckets = Object.values(t.findResources('AWS::S3::Bucket'));
      expect(buckets).toHaveLength(2);
      for (const b of buckets) expect([b.DeletionPolicy, b.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
  });
});

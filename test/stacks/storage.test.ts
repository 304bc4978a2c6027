import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Json, dev, envs, replica, resourceOf, storage } from './storage-fixture';

/**
 * Template-level proof of the storage bucket: lifecycle, replication, secure defaults and event
 * delivery. Tables, discovery and deployment order are in storage-layer.test.ts, retention and
 * teardown in storage-retention.test.ts; every expected number is the seed's literal value.
 */

const storageBucket = resourceOf(dev.storage, dev.storage.bucket);
const storageProps = storageBucket.Properties as Json;
const lifecycleRules = (storageProps.LifecycleConfiguration as { Rules: Json[] }).Rules;
const replicationRules = (storageProps.ReplicationConfiguration as { Rules: Json[] }).Rules;

describe('Automatic Lifecycle Management (seed lifecycle.json)', () => {
  test('sessions/ moves to STANDARD_IA after 30 days and to GLACIER after 90 days', () => {
    expect(lifecycleRules).toContainEqual(
      expect.objectContaining({
        Prefix: 'sessions/',
        Status: 'Enabled',
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER', TransitionInDays: 90 },
        ],
      }),
    );
  });

  test('logs/ expire after 90 days', () => {
    expect(lifecycleRules).toContainEqual(expect.objectContaining({ Prefix: 'logs/', Status: 'Enabled', ExpirationInDays: 90 }));
  });

  test('noncurrent versions expire 30 days after they stop being current, bucket-wide', () => {
    const rule = lifecycleRules.find((r) => r.NoncurrentVersionExpiration !== undefined);
    expect(rule).toEqual(expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }));
    expect(rule?.Prefix).toBeUndefined();
  });

  test('incomplete multipart uploads are aborted after 7 days (beyond the seed)', () => {
    expect(lifecycleRules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
    );
  });

  test('no other lifecycle rule touches current objects (nothing else archives or deletes data)', () => {
    const touching = lifecycleRules.filter((r) => r.Transitions !== undefined || r.ExpirationInDays !== undefined);
    expect(touching.map((r) => r.Prefix)).toEqual(['sessions/', 'logs/']);
  });
});

describe('Cross-Region Replication of critical/', () => {
  const rule = replicationRules[0] as Json;
  const destination = rule.Destination as Json;

  test('exactly one rule, replicating the critical/ prefix only', () => {
    expect(replicationRules).toHaveLength(1);
    expect(rule).toEqual(expect.objectContaining({ Status: 'Enabled', Filter: { Prefix: 'critical/' } }));
  });

  test('Replication Time Control is on with 15 minutes', () => {
    expect(destination.ReplicationTime).toEqual({ Status: 'Enabled', Time: { Minutes: 15 } });
  });

  test('replication metrics are on with a 15-minute event threshold', () => {
    expect(destination.Metrics).toEqual({ Status: 'Enabled', EventThreshold: { Minutes: 15 } });
  });

  test('delete markers are not replicated (documented decision: the replica is the recovery copy)', () => {
    expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
  });

  test('replicas are encrypted with the replica-region key and SSE-KMS objects are selected', () => {
    expect(destination.EncryptionConfiguration).toEqual({
      ReplicaKmsKeyID: { 'Fn::Join': ['', ['arn:aws:kms:us-west-2:', { Ref: 'AWS::AccountId' }, ':alias/blob-dev-replica']] },
    });
    expect(rule.SourceSelectionCriteria).toEqual({ SseKmsEncryptedObjects: { Status: 'Enabled' } });
  });

  test('destination is the replica bucket in the replica region', () => {
    expect(destination.Bucket).toEqual({ 'Fn::Join': ['', ['arn:aws:s3:::blob-dev-replica-', { Ref: 'AWS::AccountId' }, '-us-west-2']] });
  });

  test.each(['dev', 'staging', 'prod'] as const)('replication role name is unique per environment (%s)', (env) => {
    Template.fromStack(envs[env].stacks.replicaStorage).hasResourceProperties('AWS::IAM::Role', {
      RoleName: `blob-${env}-s3-replication`,
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })],
      }),
    });
    const source = resourceOf(envs[env].stacks.storage, envs[env].stacks.storage.bucket).Properties as Json;
    expect(JSON.stringify((source.ReplicationConfiguration as Json).Role)).toContain(`:role/blob-${env}-s3-replication`);
  });

  test('replication role may read only critical/ versions in the source and write only critical/ replicas', () => {
    const policies = replica.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement);
    const objectStatements = statements.filter((s) => JSON.stringify(s.Action).includes('Replicate') || JSON.stringify(s.Action).includes('ForReplication'));
    expect(objectStatements.length).toBe(2);
    for (const s of objectStatements) expect(JSON.stringify(s.Resource)).toMatch(/\/critical\/\*"/);
    expect(JSON.stringify(statements)).not.toMatch(/"s3:\*"|"Resource":"\*"/);
  });

  test('the replica bucket is versioned and encrypted with its own KMS key', () => {
    replica.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['blob-dev-replica-', { Ref: 'AWS::AccountId' }, '-us-west-2']] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReplicaKey'), 'Arn'] } } },
        ],
      },
    });
  });
});

describe('Immutable Versioning and secure defaults of the storage bucket', () => {
  test('versioning is enabled', () => {
    expect(storageProps.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('KMS encryption with a customer-managed key, key rotation on, S3 Bucket Keys on', () => {
    const keyId = dev.storage.getLogicalId(dev.storage.encryptionKey.node.defaultChild as kms.CfnKey);
    expect(storageProps.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ],
    });
    for (const t of [storage, replica]) {
      const keys = Object.values(t.findResources('AWS::KMS::Key'));
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect((k.Properties as Json).EnableKeyRotation).toBe(true);
    }
  });

  test('BlockPublicAccess blocks everything on every bucket', () => {
    for (const t of [storage, replica]) {
      const buckets = Object.values(t.findResources('AWS::S3::Bucket'));
      expect(buckets.length).toBe(2);
      for (const b of buckets) {
        expect((b.Properties as Json).PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
    }
  });

  test('TLS-only bucket policy: deny any request without SecureTransport, and TLS below 1.2', () => {
    storage.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: dev.storage.getLogicalId(dev.storage.bucket.node.defaultChild as s3.CfnBucket) },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      }),
    });
  });

  test('TLS-only topic policy on every SNS topic, and topics are KMS-encrypted', () => {
    for (const t of [storage, replica]) {
      const topics = t.findResources('AWS::SNS::Topic');
      expect(Object.keys(topics).length).toBeGreaterThan(0);
      for (const [id, topic] of Object.entries(topics)) {
        expect((topic.Properties as Json).KmsMasterKeyId).toBeDefined();
        t.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [{ Ref: id }],
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
          }),
        });
      }
    }
  });

  test('BucketOwnerEnforced: ACLs are disabled on every bucket', () => {
    for (const t of [storage, replica]) {
      for (const b of Object.values(t.findResources('AWS::S3::Bucket'))) {
        expect((b.Properties as Json).OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      }
    }
  });

  test('server access logs go to a separate log bucket', () => {
    const logging = storageProps.LoggingConfiguration as Json;
    expect(logging.DestinationBucketName).toEqual({ Ref: expect.stringMatching(/^AccessLogs/) });
    storage.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]),
      }),
    });
  });
});

describe('Event-Driven Workflows: EventBridge enablement', () => {
  test('EventBridge delivery is enabled through the native NotificationConfiguration property', () => {
    expect(storageProps.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });

  test('the replica bucket emits EventBridge events too (processing of replicated objects), natively', () => {
    const replicaProps = resourceOf(dev.replicaStorage, dev.replicaStorage.bucket).Properties as Json;
    expect(replicaProps.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });

  test.each(['dev', 'staging', 'prod'] as const)(
    'no Custom::S3BucketNotifications and no Lambda that only configures a bucket (%s, acceptance 2)',
    (env) => {
      const assembly = envs[env].app.synth();
      // The one custom resource: emptying dev/staging buckets on stack deletion (asserted below).
      const allowed = env === 'prod' ? [] : ['Custom::S3AutoDeleteObjects'];
      for (const stack of assembly.stacks) {
        const resources = Object.values((stack.template as { Resources?: Record<string, Json> }).Resources ?? {});
        expect(resources.filter((r) => String(r.Type).startsWith('Custom::') && !allowed.includes(String(r.Type)))).toEqual([]);
        expect(resources.filter((r) => r.Type === 'AWS::CloudFormation::CustomResource')).toEqual([]);
        const handlers = resources
          .filter((r) => r.Type === 'AWS::Lambda::Function')
          .map((r) => String((r.Properties as Json).Handler) + ' ' + String((r.Properties as Json).Description ?? ''));
        expect(handlers.filter((h) => /notification|BucketNotificationsHandler|autoDelete/i.test(h))).toEqual([]);
      }
    },
  );
});

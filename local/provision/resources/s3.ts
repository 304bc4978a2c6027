import {
  BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import type { CORSRule, LifecycleRule, NotificationConfiguration, ReplicationConfiguration } from '@aws-sdk/client-s3';
import type { RegionClients } from '../../emulator/clients';
import type { Json } from '../intrinsics';
import type { Props } from '../props';
import type { ResourceModule } from '../registry';

/** A replication rule as the local runtime applies it (from the template's ReplicationConfiguration). */
export interface ReplicationRule {
  readonly id: string;
  readonly prefix: string;
  readonly destinationBucket: string;
  readonly destinationKmsKeyId?: string;
  readonly storageClass?: string;
  readonly deleteMarkerReplication: boolean;
  readonly priority: number;
}

function obj(v: Json | undefined): Props {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Props) : {};
}

function list(v: Json | undefined): Props[] {
  return Array.isArray(v) ? (v as Props[]) : [];
}

const num = (v: Json | undefined) => (typeof v === 'number' ? v : v === undefined ? undefined : Number(v));
const s = (v: Json | undefined) => (v === undefined || v === null ? undefined : String(v));

/** CloudFormation's flat lifecycle rule shape to the S3 API's nested one. */
export function lifecycleRules(cfg: Props): LifecycleRule[] {
  return list(cfg.Rules).map((r) => {
    const tagFilters = list(r.TagFilters).map((t) => ({ Key: s(t.Key), Value: s(t.Value) }));
    const prefix = s(r.Prefix) ?? '';
    const filter = tagFilters.length
      ? { And: { Prefix: prefix, Tags: tagFilters } }
      : { Prefix: prefix };
    const expiration =
      r.ExpirationInDays !== undefined || r.ExpirationDate !== undefined || r.ExpiredObjectDeleteMarker !== undefined
        ? {
            Days: num(r.ExpirationInDays),
            Date: r.ExpirationDate ? new Date(String(r.ExpirationDate)) : undefined,
            ExpiredObjectDeleteMarker: r.ExpiredObjectDeleteMarker as boolean | undefined,
          }
        : undefined;
    const nve = obj(r.NoncurrentVersionExpiration);
    const noncurrentDays = num(nve.NoncurrentDays) ?? num(r.NoncurrentVersionExpirationInDays);
    const abort = obj(r.AbortIncompleteMultipartUpload);
    return {
      ID: s(r.Id),
      Status: (s(r.Status) ?? 'Enabled') as 'Enabled' | 'Disabled',
      Filter: filter,
      Expiration: expiration,
      Transitions: list(r.Transitions).map((t) => ({
        StorageClass: s(t.StorageClass) as never,
        Days: num(t.TransitionInDays),
        Date: t.TransitionDate ? new Date(String(t.TransitionDate)) : undefined,
      })),
      NoncurrentVersionExpiration:
        noncurrentDays !== undefined ? { NoncurrentDays: noncurrentDays, NewerNoncurrentVersions: num(nve.NewerNoncurrentVersions) } : undefined,
      NoncurrentVersionTransitions: list(r.NoncurrentVersionTransitions).map((t) => ({
        StorageClass: s(t.StorageClass) as never,
        NoncurrentDays: num(t.TransitionInDays),
      })),
      AbortIncompleteMultipartUpload: abort.DaysAfterInitiation !== undefined ? { DaysAfterInitiation: num(abort.DaysAfterInitiation) } : undefined,
    };
  });
}

export function replicationRules(cfg: Props): ReplicationRule[] {
  return list(cfg.Rules)
    .filter((r) => (s(r.Status) ?? 'Enabled') === 'Enabled')
    .map((r, i) => {
      const dest = obj(r.Destination);
      return {
        id: s(r.Id) ?? `rule-${i}`,
        prefix: s(obj(r.Filter).Prefix) ?? s(obj(obj(r.Filter).And).Prefix) ?? s(r.Prefix) ?? '',
        destinationBucket: (s(dest.Bucket) ?? '').replace(/^arn:aws[a-z-]*:s3:::/, ''),
        destinationKmsKeyId: s(obj(dest.EncryptionConfiguration).ReplicaKmsKeyID),
        storageClass: s(dest.StorageClass),
        deleteMarkerReplication: s(obj(r.DeleteMarkerReplication).Status) === 'Enabled',
        priority: num(r.Priority) ?? 0,
      };
    })
    .sort((a, b) => b.priority - a.priority);
}

function replicationConfiguration(cfg: Props): ReplicationConfiguration {
  return {
    Role: s(cfg.Role) as string,
    Rules: list(cfg.Rules).map((r) => {
      const dest = obj(r.Destination);
      const metrics = obj(dest.Metrics);
      const rtc = obj(dest.ReplicationTime);
      const sse = obj(obj(r.SourceSelectionCriteria).SseKmsEncryptedObjects);
      return {
        ID: s(r.Id),
        Priority: num(r.Priority),
        Status: (s(r.Status) ?? 'Enabled') as 'Enabled' | 'Disabled',
        Filter: { Prefix: s(obj(r.Filter).Prefix) ?? s(r.Prefix) ?? '' },
        DeleteMarkerReplication: { Status: (s(obj(r.DeleteMarkerReplication).Status) ?? 'Disabled') as 'Enabled' | 'Disabled' },
        SourceSelectionCriteria: sse.Status ? { SseKmsEncryptedObjects: { Status: s(sse.Status) as 'Enabled' | 'Disabled' } } : undefined,
        Destination: {
          Bucket: s(dest.Bucket) as string,
          StorageClass: s(dest.StorageClass) as never,
          EncryptionConfiguration: dest.EncryptionConfiguration ? { ReplicaKmsKeyID: s(obj(dest.EncryptionConfiguration).ReplicaKmsKeyID) } : undefined,
          Metrics: metrics.Status
            ? { Status: s(metrics.Status) as 'Enabled' | 'Disabled', EventThreshold: { Minutes: num(obj(metrics.EventThreshold).Minutes) } }
            : undefined,
          ReplicationTime: rtc.Status
            ? { Status: s(rtc.Status) as 'Enabled' | 'Disabled', Time: { Minutes: num(obj(rtc.Time).Minutes) } }
            : undefined,
        },
      };
    }),
  };
}

/**
 * Creates one bucket with every setting its template gives, so that reading the configuration back
 * over the wire matches the template. Settings are applied in the order S3 requires (versioning
 * before replication).
 */
export async function provisionBucket(
  c: RegionClients,
  name: string,
  props: Props,
): Promise<{ name: string; eventBridge: boolean; replication: ReplicationRule[] }> {
  await c.s3.send(
    new CreateBucketCommand({
      Bucket: name,
      CreateBucketConfiguration: c.region === 'us-east-1' ? undefined : { LocationConstraint: c.region as BucketLocationConstraint },
    }),
  );
  const versioning = obj(props.VersioningConfiguration);
  if (versioning.Status) {
    await c.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: s(versioning.Status) as 'Enabled' | 'Suspended' } }));
  }
  const encryption = list(obj(props.BucketEncryption).ServerSideEncryptionConfiguration);
  if (encryption.length) {
    await c.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: name,
        ServerSideEncryptionConfiguration: {
          Rules: encryption.map((r) => {
            const d = obj(r.ServerSideEncryptionByDefault);
            return {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: s(d.SSEAlgorithm) as never, KMSMasterKeyID: s(d.KMSMasterKeyID) },
              BucketKeyEnabled: r.BucketKeyEnabled === true,
            };
          }),
        },
      }),
    );
  }
  const pab = obj(props.PublicAccessBlockConfiguration);
  if (Object.keys(pab).length) {
    await c.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: name,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: pab.BlockPublicAcls === true,
          BlockPublicPolicy: pab.BlockPublicPolicy === true,
          IgnorePublicAcls: pab.IgnorePublicAcls === true,
          RestrictPublicBuckets: pab.RestrictPublicBuckets === true,
        },
      }),
    );
  }
  const lifecycle = obj(props.LifecycleConfiguration);
  if (list(lifecycle.Rules).length) {
    await c.s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: name, LifecycleConfiguration: { Rules: lifecycleRules(lifecycle) } }));
  }
  const cors = list(obj(props.CorsConfiguration).CorsRules);
  if (cors.length) {
    await c.s3.send(
      new PutBucketCorsCommand({
        Bucket: name,
        CORSConfiguration: {
          CORSRules: cors.map(
            (r): CORSRule => ({
              ID: s(r.Id),
              AllowedMethods: r.AllowedMethods as string[],
              AllowedOrigins: r.AllowedOrigins as string[],
              AllowedHeaders: r.AllowedHeaders as string[] | undefined,
              ExposeHeaders: r.ExposedHeaders as string[] | undefined,
              MaxAgeSeconds: num(r.MaxAge),
            }),
          ),
        },
      }),
    );
  }
  const notification = obj(props.NotificationConfiguration);
  const eventBridge = obj(notification.EventBridgeConfiguration).EventBridgeEnabled === true;
  const queueConfigs = list(notification.QueueConfigurations);
  const topicConfigs = list(notification.TopicConfigurations);
  if (eventBridge || queueConfigs.length || topicConfigs.length) {
    const filterOf = (f: Props) => {
      const rules = list(obj(obj(f.Filter).S3Key).Rules);
      return rules.length ? { Key: { FilterRules: rules.map((r) => ({ Name: s(r.Name) as never, Value: s(r.Value) })) } } : undefined;
    };
    const config: NotificationConfiguration = {
      ...(eventBridge ? { EventBridgeConfiguration: {} } : {}),
      QueueConfigurations: queueConfigs.map((q) => ({ QueueArn: s(q.Queue) as string, Events: [s(q.Event) as never], Filter: filterOf(q) })),
      TopicConfigurations: topicConfigs.map((t) => ({ TopicArn: s(t.Topic) as string, Events: [s(t.Event) as never], Filter: filterOf(t) })),
    };
    await c.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: name, NotificationConfiguration: config }));
  }
  const replication = obj(props.ReplicationConfiguration);
  if (list(replication.Rules).length) {
    await c.s3.send(new PutBucketReplicationCommand({ Bucket: name, ReplicationConfiguration: replicationConfiguration(replication) }));
  }
  const tags = list(props.Tags);
  if (tags.length) {
    await c.s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: tags.map((t) => ({ Key: s(t.Key) as string, Value: s(t.Value) as string })) } }));
  }
  return { name, eventBridge, replication: list(replication.Rules).length ? replicationRules(replication) : [] };
}

/** AWS::S3::Bucket, with the attributes Fn::GetAtt may read. */
export const s3Resources: ResourceModule = {
  'AWS::S3::Bucket': async ({ stack, logicalId, resource, props, clients, named, result }) => {
    const name = named('BucketName', 63, true);
    const bucket = await provisionBucket(clients, name, props);
    result.buckets.push({ logicalId, stackName: stack.name, region: stack.region, ...bucket });
    return {
      type: resource.Type,
      ref: name,
      attrs: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${stack.region}.amazonaws.com`,
        DualStackDomainName: `${name}.s3.dualstack.${stack.region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website.${stack.region}.amazonaws.com`,
      },
    };
  },
};

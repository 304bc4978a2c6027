import type { ResolvedResource } from '../policies';
import { EXAMPLE_ACCESS_LOG, EXAMPLE_OBJECT, SERVICE } from './edge-set';
import type { EdgeSet } from './edge-set';
import { arnParts, get, list, str } from './json';

export function s3Edges(e: EdgeSet): void {
  const { model, buckets, label, source, tls, policy, config, service, role } = e;
  // S3: replication, server access logs, EventBridge notifications.
  for (const bucket of buckets.values()) {
    const bucketArn = bucket.arn as string;
    const repl = bucket.props.ReplicationConfiguration;
    if (repl) {
      const roleArn = String(get(repl, 'Role'));
      const replRole = role(roleArn);
      const roleName = roleArn.split('/').pop() as string;
      policy(`s3 → replication role ${roleName} of ${bucket.ref} (sts:AssumeRole)`, service(SERVICE.s3), 'sts:AssumeRole', roleArn, source(bucketArn));
      for (const rule of list(get(repl, 'Rules'))) {
        if (get(rule, 'Status') !== 'Enabled') continue;
        const id = str(get(rule, 'Id')) ?? '(unnamed)';
        const from = `replication ${bucket.ref} rule ${id}`;
        const prefix = str(get(rule, 'Filter', 'Prefix')) ?? str(get(rule, 'Filter', 'And', 'Prefix')) ?? str(get(rule, 'Prefix')) ?? '';
        const sourceObject = `${bucketArn}/${prefix}${EXAMPLE_OBJECT}`;
        const destArn = String(get(rule, 'Destination', 'Bucket'));
        const destName = destArn.replace('arn:aws:s3:::', '');
        const dest = buckets.get(destName);
        const destObject = `${destArn}/${prefix}${EXAMPLE_OBJECT}`;
        for (const action of ['s3:GetReplicationConfiguration', 's3:ListBucket']) {
          policy(`${from}: role → source bucket ${bucket.ref} (${action})`, replRole, action, bucketArn, tls);
        }
        for (const action of ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging']) {
          policy(`${from}: role → source objects ${prefix}* (${action})`, replRole, action, sourceObject, tls);
        }
        for (const action of ['s3:ReplicateObject', 's3:ReplicateTags']) {
          policy(`${from}: role → destination objects ${destName}/${prefix}* (${action})`, replRole, action, destObject, tls);
        }
        // Delete markers replicate only when the rule says so; otherwise the role must not be able to.
        const deletes = get(rule, 'DeleteMarkerReplication', 'Status') === 'Enabled';
        policy(
          `${from}: role → destination objects ${destName}/${prefix}* (s3:ReplicateDelete ${deletes ? 'allowed: delete markers replicate' : 'denied: delete markers do not replicate'})`,
          replRole,
          's3:ReplicateDelete',
          destObject,
          tls,
          deletes ? 'allow' : 'deny',
        );
        // With S3 Bucket Keys, S3 asks KMS with the bucket ARN as encryption context, else the object ARN.
        const s3Context = (b: ResolvedResource | undefined, bArn: string, objectArn: string) =>
          get(b?.props.BucketEncryption, 'ServerSideEncryptionConfiguration', 0, 'BucketKeyEnabled') === true ? bArn : objectArn;
        const sourceKeyRef = str(get(bucket.props.BucketEncryption, 'ServerSideEncryptionConfiguration', 0, 'ServerSideEncryptionByDefault', 'KMSMasterKeyID'));
        if (sourceKeyRef && get(rule, 'SourceSelectionCriteria', 'SseKmsEncryptedObjects', 'Status') === 'Enabled') {
          const keyArn = model.keyArn(bucket.region, sourceKeyRef);
          if (!keyArn) config(`${from}: role → source key (kms:Decrypt)`, 'S3 decrypts source objects with the source key', `key ${sourceKeyRef} is not a key of this app`);
          else
            policy(`${from}: role → source key ${label(model.resources.find((r) => r.arn === keyArn) as ResolvedResource)} (kms:Decrypt)`, replRole, 'kms:Decrypt', keyArn, {
              'kms:ViaService': `s3.${bucket.region}.amazonaws.com`,
              'kms:EncryptionContext:aws:s3:arn': s3Context(bucket, bucketArn, sourceObject),
            });
        }
        const destKeyRef = str(get(rule, 'Destination', 'EncryptionConfiguration', 'ReplicaKmsKeyID'));
        if (destKeyRef) {
          const destRegion = dest?.region ?? arnParts(destKeyRef).region;
          const keyArn = model.keyArn(destRegion, destKeyRef);
          if (!keyArn || !dest) {
            config(`${from}: role → destination key`, 'S3 encrypts replicas with the destination key', `destination bucket ${destName} or key ${destKeyRef} is not defined by this app`);
          } else {
            const keyLabel = label(model.resources.find((r) => r.arn === keyArn) as ResolvedResource);
            for (const action of ['kms:Encrypt', 'kms:GenerateDataKey']) {
              policy(`${from}: role → destination key ${keyLabel} (${action})`, replRole, action, keyArn, {
                'kms:ViaService': `s3.${destRegion}.amazonaws.com`,
                'kms:EncryptionContext:aws:s3:arn': s3Context(dest, destArn, destObject),
              });
            }
          }
        }
      }
    }

    const logTarget = str(get(bucket.props.LoggingConfiguration, 'DestinationBucketName'));
    if (logTarget) {
      const prefix = str(get(bucket.props.LoggingConfiguration, 'LogFilePrefix')) ?? '';
      policy(
        `s3 server access logs of ${bucket.ref} → bucket ${logTarget} (s3:PutObject)`,
        service(SERVICE.s3Logging),
        's3:PutObject',
        `arn:aws:s3:::${logTarget}/${prefix}${EXAMPLE_ACCESS_LOG}`,
        { ...source(bucketArn), ...tls },
      );
    }

    const notifications = bucket.props.NotificationConfiguration;
    if (get(notifications, 'EventBridgeConfiguration', 'EventBridgeEnabled') === true) {
      config(`bucket ${bucket.ref} → EventBridge default bus of ${bucket.region} (no policy involved)`, 'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled is true; AWS needs no policy for the default bus');
    }
    for (const kind of ['LambdaConfigurations', 'QueueConfigurations', 'TopicConfigurations']) {
      if (list(get(notifications, kind)).length) config(`bucket ${bucket.ref} ${kind}`, 'S3 notification', `${kind} are not modelled by the service-edge check`);
    }
  }
}

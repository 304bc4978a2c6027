import { createHash } from 'node:crypto';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { ClientPool } from '../emulator/clients';
import type { LocalBucket } from '../provision';
import type { QueueWatcher } from './queue-watcher';
import type { Replicator } from './replicator';

/**
 * moto stores the replication configuration but never acts on it. A rule of the runtime's own
 * (named local-replication-*) routes the source bucket's events under the rules' prefixes to a
 * queue the replicator consumes; a copy that keeps failing is given up after five receives.
 */
export async function startReplication(
  bucket: LocalBucket,
  clients: ClientPool,
  watcher: QueueWatcher,
  replicator: Replicator,
  output: (line: string) => void,
): Promise<void> {
  const c = clients.get(bucket.region);
  const id = createHash('sha256').update(bucket.name).digest('hex').slice(0, 12);
  const name = `local-replication-${id}`;
  const q = await c.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } }));
  const attrs = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }));
  await c.events.send(
    new PutRuleCommand({
      Name: name,
      Description: `local copy: S3 replication of ${bucket.name} (not part of the templates)`,
      EventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created', 'Object Deleted'],
        detail: { bucket: { name: [bucket.name] }, object: { key: bucket.replication.map((r) => ({ prefix: r.prefix })) } },
      }),
    }),
  );
  await c.events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'replicator', Arn: attrs.Attributes?.QueueArn }] }));
  watcher.watch(
    bucket.region,
    q.QueueUrl as string,
    async (m) => {
      try {
        await replicator.replicate(bucket, JSON.parse(m.Body ?? '{}'));
        return true;
      } catch (err) {
        const receives = Number(m.Attributes?.ApproximateReceiveCount ?? '1');
        output(`[replication ${bucket.name}] attempt ${receives} failed: ${(err as Error).message}`);
        return receives >= 5;
      }
    },
    { visibilitySeconds: 10, maxInFlight: 4 },
  );
}

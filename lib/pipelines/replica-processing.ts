import { Duration } from 'aws-cdk-lib';
import { PipelineContext, s3EventPattern } from './context';
import { grantKvstoreNamespaces, grantIdempotency, grantObjectRead } from '../constructs/grants';
import { SEED_REPLICATION } from '../config';

/**
 * Pattern 4 (replica region): replicated critical/ objects appear there as Object Created events of
 * the replica bucket; the processor stores its results in the replica region's kvstore table.
 */
export function replicaProcessing(ctx: PipelineContext): void {
  const fn = ctx.eventFunction('ReplicaProcessor', {
    handler: 'replica-processor',
    description: 'Pattern 4: process replicated critical/ objects in the replica region',
    eventPattern: s3EventPattern(ctx.bucket, ['Object Created'], [{ prefix: SEED_REPLICATION.prefix }]),
    timeout: Duration.minutes(5),
  }).function;
  grantObjectRead(fn, { bucket: ctx.bucket, key: ctx.encryptionKey, prefixes: [SEED_REPLICATION.prefix] });
  grantKvstoreNamespaces(fn, ctx.kvstoreTable, ctx.encryptionKey, ['replica']);
  grantIdempotency(fn, ctx.idempotencyTable, ctx.encryptionKey, 'replica-processor');
}

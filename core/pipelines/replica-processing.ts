import { objectEventPipeline } from './descriptor';

/** The prefix S3 replicates to the replica region (lib/config's SEED_REPLICATION uses it). */
export const REPLICATED_PREFIX = 'critical/';

/** Pattern 4 (replica region): replicated critical/ objects → replica/<key> in that region's kvstore. */
export const REPLICA_PROCESSING = objectEventPipeline('replica-processor', { read: [REPLICATED_PREFIX] }, ['replica'], { publishes: false });

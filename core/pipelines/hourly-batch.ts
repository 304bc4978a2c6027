import { RESOURCE_ENV as R, defineDescriptor } from './descriptor';

/**
 * Pattern 3: lists, reads and deletes uploads/<hour>/, keeps its summary and per-version done
 * markers under batch/ in the kvstore. No Powertools idempotency (see lambda/hourly-batch.ts).
 */
export const HOURLY_BATCH = defineDescriptor({
  handler: 'hourly-batch',
  objects: { list: ['uploads/'], read: ['uploads/'], delete: ['uploads/'] },
  kvstore: { namespaces: ['batch'], access: 'readwrite' },
  publishes: false,
  env: [R.bucket, R.kvstore],
});

import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { RESOURCE_ENV, type PipelineDescriptor } from '../../core/pipelines';
import {
  grantIdempotency,
  grantKvstoreNamespaces,
  grantList,
  grantObjectDelete,
  grantObjectRead,
  grantObjectWrite,
  grantPublish,
  grantTableItems,
} from '../constructs/grants';
import type { PipelineContext } from './context';

/**
 * Applies a descriptor's footprint (core/pipelines) to its function with the explicit grants, in
 * one fixed order (list, read, write, delete, audit table, kvstore, publish, idempotency), so the
 * role allows exactly what the descriptor declares and the function is handed exactly the
 * resources its environment schema names.
 */
export function grantFootprint(ctx: PipelineContext, fn: lambda.Function, d: PipelineDescriptor): void {
  const objects = { bucket: ctx.bucket, key: ctx.encryptionKey };
  const { list, read, write, delete: del } = d.objects;
  if (list?.length) grantList(fn, { ...objects, prefixes: [...list] });
  if (read?.length) grantObjectRead(fn, { ...objects, prefixes: [...read] });
  if (write?.length) grantObjectWrite(fn, { ...objects, prefixes: [...write] });
  if (del?.length) grantObjectDelete(fn, { ...objects, prefixes: [...del] });
  if (d.auditTable) {
    if (!ctx.auditTable) throw new Error(`${d.handler} needs the audit table (primary region only)`);
    grantTableItems(fn, ctx.auditTable, ctx.encryptionKey, RESOURCE_ENV.auditTable);
  }
  if (d.kvstore) grantKvstoreNamespaces(fn, ctx.kvstoreTable, ctx.encryptionKey, [...d.kvstore.namespaces], d.kvstore.access);
  if (d.publishes) {
    if (!ctx.notificationTopic) throw new Error(`${d.handler} needs the notification topic (primary region only)`);
    grantPublish(fn, ctx.notificationTopic, ctx.encryptionKey);
  }
  if (d.idempotency) grantIdempotency(fn, ctx.idempotencyTable, ctx.encryptionKey, d.idempotency.keyPrefix);
}

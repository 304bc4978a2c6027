import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DemoContext, DemoFlow, DemoResult } from '../types';
import { s3For } from '../clients';

/** A critical/ object appears in the replica bucket (other region) with its metadata. */
async function run(ctx: DemoContext): Promise<DemoResult> {
  const primary = s3For(ctx, ctx.region);
  const replica = s3For(ctx, ctx.replicaRegion);
  const Key = `critical/demo-${ctx.runId}/state.json`;
  try {
    const started = Date.now();
    await primary.send(
      new PutObjectCommand({ Bucket: ctx.bucket, Key, Body: '{"step":1}', ContentType: 'application/json', Metadata: { agent: 'demo' } }),
    );
    const deadline = started + 15_000;
    for (;;) {
      try {
        const head = await replica.send(new HeadObjectCommand({ Bucket: ctx.replicaBucket, Key }));
        if (head.Metadata?.agent !== 'demo' || head.ContentType !== 'application/json') {
          throw new Error(`replica lost metadata: ${JSON.stringify({ meta: head.Metadata, type: head.ContentType })}`);
        }
        return { detail: `${Key} in ${ctx.replicaBucket} with metadata`, latencyMs: Date.now() - started };
      } catch (err) {
        if ((err as Error).name !== 'NotFound') throw err;
        if (Date.now() > deadline) throw new Error(`${Key} did not reach ${ctx.replicaBucket} within 15 s`, { cause: err });
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    primary.destroy();
    replica.destroy();
  }
}

const flow: DemoFlow = { name: 'Replication: critical/ to the replica region', order: 5, run };
export default flow;

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../../core/aws-config';
import { LOCAL_CREDENTIALS } from '../../local/emulator/clients';
import { startLocalStack } from '../../local/stack';
import { LOCAL_DIR } from '../../local/paths';
import { join } from 'node:path';
import { synthFixture } from '../../test/support/local-stack';
import type { BenchScenario } from '../types';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * The local copy's event path: S3 PutObject → (moto) EventBridge rule → invoke queue → worker
 * thread running the esbuild bundle → DynamoDB write. Latency is from just before each PutObject to
 * the handler's own timestamp on the item it writes (same clock), so polling adds nothing. The
 * handler is the test app's rule-routed Recorder (test/local/fixtures), independent of the pipeline
 * modules. Also: seconds from start to ready for the dev environment, cold (fresh synth, every
 * bundle rebuilt) and warm (cached synth).
 */
const scenario: BenchScenario = {
  name: 'event-latency',
  description: 'local copy: start-to-ready (cold/warm) and event-to-result latency p50/p99 for 200 uploads (paced, 5/s) through a rule-routed handler',
  async run({ quick, log }) {
    const figures: Record<string, unknown> = {};
    // First start: a fresh synth (every bundle rebuilt) unless --quick, which accepts the cache.
    // A private directory: a running `npm run local` loads its bundles from .local/cdk.out-dev.
    const first = await startLocalStack({ quiet: true, forceSynth: !quick, synthDir: quick ? undefined : join(LOCAL_DIR, 'bench', 'cdk.out-dev') });
    figures.firstReadySeconds = first.timings.totalSeconds;
    figures.firstTimings = first.timings;
    figures.functions = first.provisioned().functions.length;
    await first.stop();
    log(`first start ready in ${first.timings.totalSeconds.toFixed(1)} s (synth ${first.timings.synthesized ? `${first.timings.synthSeconds.toFixed(1)} s` : 'cached'})`);
    const warm = await startLocalStack({ quiet: true });
    figures.warmReadySeconds = warm.timings.totalSeconds;
    figures.warmTimings = warm.timings;
    await warm.stop();
    log(`warm start ready in ${warm.timings.totalSeconds.toFixed(1)} s`);

    const stack = await startLocalStack({ quiet: true, cdkOut: await synthFixture() });
    const cfg = { ...clientConfig({ endpoint: stack.endpoint, region: stack.region }), credentials: LOCAL_CREDENTIALS };
    const s3 = new S3Client(cfg);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(cfg));
    try {
      const uploads = quick ? 40 : 200;
      const prefix = `e2e/bench/${Date.now()}/`;
      const sentAt = new Map<string, number>();
      // Warm the worker once so the figures describe steady state; the cold invocation is reported apart.
      const warmKey = `${prefix}warmup.txt`;
      const t0 = Date.now();
      await s3.send(new PutObjectCommand({ Bucket: stack.outputs.bucket, Key: warmKey, Body: 'w' }));
      await stack.waitForIdle(60_000);
      figures.firstInvocationMs = Date.now() - t0;
      // Paced like a busy agent fleet rather than a flood: the figure is the pipeline's latency, not
      // the depth of a backlog on a 2-core machine shared by the emulator and every worker.
      const ratePerSecond = Number(process.env.BENCH_RATE ?? 5);
      const started = Date.now();
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < uploads; i++) {
        const due = started + (i * 1000) / ratePerSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const key = `${prefix}${String(i).padStart(4, '0')}.txt`;
        sentAt.set(key, Date.now());
        inFlight.push(s3.send(new PutObjectCommand({ Bucket: stack.outputs.bucket, Key: key, Body: `payload ${key}` })));
      }
      await Promise.all(inFlight);
      await stack.waitForIdle(120_000);
      const elapsed = (Date.now() - started) / 1000;
      const latencies: number[] = [];
      let token: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: stack.outputs.table,
            KeyConditionExpression: 'pk = :pk and begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': 'e2e', ':p': prefix },
            ExclusiveStartKey: token,
          }),
        );
        for (const item of page.Items ?? []) {
          const sent = sentAt.get(item.key as string);
          if (sent !== undefined) latencies.push((item.at as number) - sent);
        }
        token = page.LastEvaluatedKey;
      } while (token);
      if (latencies.length !== uploads) throw new Error(`only ${latencies.length} of ${uploads} uploads reached the handler`);
      latencies.sort((a, b) => a - b);
      Object.assign(figures, {
        uploads,
        ratePerSecond,
        p50Ms: percentile(latencies, 50),
        p90Ms: percentile(latencies, 90),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies[latencies.length - 1],
        uploadsPerSecond: Number((uploads / elapsed).toFixed(1)),
      });
      log(`p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms over ${uploads} uploads`);
      return figures;
    } finally {
      s3.destroy();
      doc.destroy();
      await stack.stop();
    }
  },
};

export default scenario;

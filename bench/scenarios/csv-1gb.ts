import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { analysisKey } from '../../lambda/csv/analysis-record';
import { bundleHandler } from '../bundle-handler';
import { referenceInsights } from '../csv-reference';
import { load } from '../measure';
import type { BenchScenario } from '../types';
import { s3Event, startHandlerFixture } from '../../test/handlers/fixture';

/**
 * Pattern 1 at scale: a generated CSV (1 GB, or ~50 MB with --quick) is streamed into a private
 * moto bucket, then the real upload-processor bundle (esbuild, as CDK bundles it) analyses it in a
 * child process over the wire: S3 GetObject stream → csv-parse → insights → kvstore → SNS. The
 * child reports its peak RSS (getrusage maxRSS) and the rows per second of the whole invocation.
 */
const ROOT = join(__dirname, '..', '..');
/** BENCH_CPU_PROF=<dir> writes the processor child's V8 CPU profile there (node --cpu-prof). */
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const COLUMNS = 'id,customer,amount,currency,paid,created\n';
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'];

/** ~50-byte rows, generated in 1 MiB chunks: the file never exists in memory or on disk whole. */
function csvStream(targetBytes: number): { stream: Readable; rows: () => number } {
  let bytes = 0;
  let row = 0;
  const stream = Readable.from(
    (function* () {
      yield COLUMNS;
      bytes += COLUMNS.length;
      while (bytes < targetBytes) {
        let chunk = '';
        while (chunk.length < 1 << 20) {
          const i = row++;
          chunk += `${i},cust-${(i * 7919) % 50000},${((i % 100000) / 100).toFixed(2)},${CURRENCIES[i % 5]},${i % 3 ? 'true' : 'false'},2026-11-${String((i % 28) + 1).padStart(2, '0')}\n`;
        }
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  return { stream, rows: () => row };
}

const CHILD = `
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
const sample = () => { const m = process.memoryUsage(); for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]); };
const timer = setInterval(sample, 100);
const cpu0 = process.cpuUsage();
const started = process.hrtime.bigint();
const { handler } = require(process.env.BUNDLE);
const event = JSON.parse(process.env.EVENT);
const context = { awsRequestId: 'bench', functionName: 'upload-processor', getRemainingTimeInMillis: () => 900000 };
handler(event, context).then((result) => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  process.stdout.write(JSON.stringify({ result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS, peak }));
}, (err) => { console.error(err); process.exit(1); });
`;

const scenario: BenchScenario = {
  name: 'csv-1gb',
  description: 'Pattern 1 upload-processor bundle over a generated CSV streamed from S3 (moto): peak RSS (target < 256 MB), rows/s (target >= 200k), MiB/s (target >= 50), insights identical to the previous csv-parse implementation',
  async run({ quick, log }) {
    const targetBytes = quick ? 50 * 1024 * 1024 : 1024 * 1024 * 1024;
    const dir = mkdtempSync(join(tmpdir(), 'csv-bench-'));
    const fx = await startHandlerFixture();
    try {
      const bundle = await bundleHandler('upload-processor', dir, { sourcemap: true });
      const key = `uploads/bench-${Date.now()}.csv`;
      const gen = csvStream(targetBytes);
      const uploadStarted = Date.now();
      const upload = new Upload({ client: fx.s3, params: { Bucket: fx.bucket, Key: key, Body: gen.stream }, partSize: 16 * 1024 * 1024, queueSize: 2 });
      const put = await upload.done();
      log(`generated and uploaded ${gen.rows()} rows (${(targetBytes / 1048576).toFixed(0)} MiB) in ${((Date.now() - uploadStarted) / 1000).toFixed(1)} s`);
      const event = s3Event('Object Created', fx.bucket, key, { versionId: put.VersionId!, size: targetBytes });

      const child = spawn(process.execPath, [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), '-e', CHILD], {
        env: { ...process.env, BUNDLE: bundle, EVENT: JSON.stringify(event), NODE_PATH: join(ROOT, 'node_modules'), POWERTOOLS_LOG_LEVEL: 'ERROR', NODE_OPTIONS: '--enable-source-maps' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      if (code !== 0) throw new Error(`processor child exited with ${code}`);
      const last = out.trim().split('\n').pop()!;
      const { result, seconds, cpuSeconds, maxRssKb, peak } = JSON.parse(last.slice(last.indexOf('{"result"'))) as {
        result: { status: string; rowCount?: number };
        seconds: number;
        cpuSeconds: number;
        maxRssKb: number;
        peak: Record<string, number>;
      };
      if (result.status !== 'succeeded' || result.rowCount !== gen.rows()) {
        throw new Error(`analysis wrong: ${JSON.stringify(result)} for ${gen.rows()} rows`);
      }
      // The insights kvstore holds must be exactly what the previous implementation (csv-parse for
      // every record) computes from the same object.
      const stored = (await fx.kv.get(analysisKey(key)))?.value as Record<string, unknown> | undefined;
      const referenceStarted = Date.now();
      const body = (await fx.s3.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key }))).Body as Readable;
      const reference = await referenceInsights(body);
      const pick = (r: object) => JSON.stringify(['columns', 'rowCount', 'invalidRowCount', 'invalidRowExamples'].map((f) => (r as Record<string, unknown>)[f]));
      const sameAsPrevious = stored !== undefined && pick(stored) === pick(JSON.parse(JSON.stringify(reference)) as object);
      log(`previous implementation (csv-parse) on the same object: ${((Date.now() - referenceStarted) / 1000).toFixed(1)} s, insights ${sameAsPrevious ? 'identical' : 'DIFFERENT'}`);
      if (!sameAsPrevious) throw new Error(`stored insights differ from the previous implementation's: ${stored ? pick(stored) : 'none stored'} vs ${pick(reference)}`);
      const figures = {
        bytes: targetBytes,
        rows: result.rowCount,
        seconds: Number(seconds.toFixed(2)),
        rowsPerSecond: Math.round(result.rowCount / seconds),
        // The machine is shared: rows per CPU-second of the processor is the contention-free figure.
        cpuSeconds: Number(cpuSeconds.toFixed(2)),
        rowsPerCpuSecond: Math.round(result.rowCount / cpuSeconds),
        loadAverage1m: Number(loadavg()[0]!.toFixed(1)),
        peakHeapUsedMb: Number((peak.heapUsed! / 1048576).toFixed(1)),
        peakExternalMb: Number((peak.external! / 1048576).toFixed(1)),
        mibPerSecond: Number((targetBytes / 1048576 / seconds).toFixed(1)),
        mibPerCpuSecond: Number((targetBytes / 1048576 / cpuSeconds).toFixed(1)),
        peakRssMb: Number((maxRssKb / 1024).toFixed(1)),
        sameInsightsAsPrevious: sameAsPrevious,
        load: load(),
        targets: { peakRssMb: 256, rowsPerSecond: 200_000, mibPerSecond: 50 },
        meetsTargets: maxRssKb / 1024 < 256 && result.rowCount / seconds >= 200_000 && targetBytes / 1048576 / seconds >= 50,
      };
      log(JSON.stringify(figures));
      return figures;
    } finally {
      await fx.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;

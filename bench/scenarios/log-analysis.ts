import { Upload } from '@aws-sdk/lib-storage';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { bundleHandler } from '../bundle-handler';
import type { BenchScenario } from '../types';
import { startHandlerFixture } from '../../test/handlers/fixture';

/**
 * Scenario 2 at the seed's scale: 100 agent logs of 10 MB (JSON lines) for one hour in a private
 * moto bucket, then the real logs-analyze bundle (esbuild, as CDK bundles it) runs in a child
 * process over the wire on the streaming engine: list → GetObject streams → line filter →
 * analytics/errors-<hour>.json via a multipart Upload, and the spike alert. The child reports its
 * peak RSS (getrusage maxRSS): the claim is that memory stays flat however large the hour is.
 * --quick: 10 files of 2 MB.
 */
const ROOT = join(__dirname, '..', '..');
const HOUR = '2025-11-15-14';
const LEVELS = ['INFO', 'INFO', 'DEBUG', 'WARN', 'INFO'];

/** A log file generated in ~1 MiB chunks: never whole in memory. One line in 97 is an ERROR. */
function logStream(agent: number, targetBytes: number, counts: { lines: number; errors: number }): Readable {
  return Readable.from(
    (function* () {
      let bytes = 0;
      let i = 0;
      while (bytes < targetBytes) {
        let chunk = '';
        while (chunk.length < 1 << 20 && bytes + chunk.length < targetBytes) {
          const error = (i + agent) % 97 === 0;
          chunk += `${JSON.stringify({
            level: error ? 'ERROR' : LEVELS[i % LEVELS.length],
            timestamp: `2025-11-15T14:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:00Z`,
            msg: error ? `request ${i} failed: upstream timeout` : `request ${i} handled, no error`,
            agent: `agent-${agent}`,
            latencyMs: i % 1000,
          })}\n`;
          counts.lines++;
          if (error) counts.errors++;
          i++;
        }
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
}

const CHILD = `
const peak = { rss: 0, heapUsed: 0, external: 0 };
const sample = () => { const m = process.memoryUsage(); for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]); };
const timer = setInterval(sample, 100);
const cpu0 = process.cpuUsage();
const started = process.hrtime.bigint();
const { handler } = require(process.env.BUNDLE);
const context = { awsRequestId: 'bench', functionName: 'logs-analyze', getRemainingTimeInMillis: () => 900000 };
handler({ hour: process.env.HOUR }, context).then((result) => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  process.stdout.write('\\n' + JSON.stringify({ result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssKb: process.resourceUsage().maxRSS, peak }) + '\\n');
}, (err) => { console.error(err); process.exit(1); });
`;

interface ChildReport {
  result: { files: number; lines: number; errors: number; alert: string };
  seconds: number;
  cpuSeconds: number;
  maxRssKb: number;
  peak: { rss: number; heapUsed: number; external: number };
}

const scenario: BenchScenario = {
  name: 'log-analysis',
  description: 'Scenario 2 logs-analyze bundle, streaming engine: 100 logs x 10 MB of one hour from S3 (moto): peak RSS (target < 256 MB, flat in input size) and MiB/s',
  async run({ quick, log }) {
    const files = quick ? 10 : 100;
    const fileBytes = (quick ? 2 : 10) * 1024 * 1024;
    const dir = mkdtempSync(join(tmpdir(), 'log-bench-'));
    const h = await startHandlerFixture('eu-central-1', { ERROR_SPIKE_THRESHOLD: '100', LOG_ANALYSIS_ENGINE: 'stream' });
    try {
      const bundle = await bundleHandler('logs-analyze', dir);
      const counts = { lines: 0, errors: 0 };
      const uploadStarted = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < files) {
            const n = ++next;
            await new Upload({ client: h.s3, params: { Bucket: h.bucket, Key: `logs/${HOUR}/agent-${n}.log`, Body: logStream(n, fileBytes, counts) }, partSize: 8 * 1024 * 1024, queueSize: 1 }).done();
          }
        }),
      );
      log(`generated and uploaded ${files} x ${fileBytes / 1048576} MiB (${counts.lines} lines, ${counts.errors} ERROR) in ${((Date.now() - uploadStarted) / 1000).toFixed(1)} s`);

      const child = spawn(process.execPath, ['-e', CHILD], {
        env: { ...process.env, ...h.env, BUNDLE: bundle, HOUR, NODE_PATH: join(ROOT, 'node_modules'), POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      if (code !== 0) throw new Error(`logs-analyze child exited with ${code}`);
      const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildReport;
      const { result, seconds, cpuSeconds, maxRssKb, peak } = report;
      if (result.files !== files || result.lines !== counts.lines || result.errors !== counts.errors || result.alert !== 'published') {
        throw new Error(`analysis wrong: ${JSON.stringify(result)} for ${JSON.stringify(counts)}`);
      }
      // The report is a valid JSON array with every ERROR line (read back as a stream by the SDK).
      const res = await h.s3.send(new GetObjectCommand({ Bucket: h.bucket, Key: `analytics/errors-${HOUR}.json` }));
      const written = (JSON.parse((await res.Body?.transformToString()) ?? '[]') as unknown[]).length;
      if (written !== counts.errors) throw new Error(`report holds ${written} errors, expected ${counts.errors}`);
      const totalMiB = (files * fileBytes) / 1048576;
      const figures = {
        files,
        fileMiB: fileBytes / 1048576,
        totalMiB,
        lines: result.lines,
        errors: result.errors,
        seconds: Number(seconds.toFixed(2)),
        mibPerSecond: Number((totalMiB / seconds).toFixed(1)),
        linesPerSecond: Math.round(result.lines / seconds),
        cpuSeconds: Number(cpuSeconds.toFixed(2)),
        mibPerCpuSecond: Number((totalMiB / cpuSeconds).toFixed(1)),
        peakRssMb: Number((maxRssKb / 1024).toFixed(1)),
        peakHeapUsedMb: Number((peak.heapUsed / 1048576).toFixed(1)),
        loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(1)),
        concurrency: 4,
        targets: { peakRssMb: 256 },
        meetsTargets: maxRssKb / 1024 < 256,
      };
      log(JSON.stringify(figures));
      return figures;
    } finally {
      await h.moto.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;

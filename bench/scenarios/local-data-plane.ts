import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack } from '../../local/stack';
import { fileSha256, load, measure, Measured, MiB, mibPerSecond, processCpuSeconds, streamSha256, writeRandomFile } from '../measure';
import type { BenchScenario } from '../types';

/**
 * The local copy's data plane (issue 17 acceptance 2): `blob` through the local stack's gateway
 * (SigV4 + IAM evaluation) into its moto, with moto_streaming.py serving GETs from the stored value.
 * Put then get a 1 GiB file, and stream 2 GiB in through `blob put -` and out through `blob get … -`
 * (64/128 MiB with --quick). Every download is verified by SHA-256. Targets: get ≥ 200 MiB/s,
 * get to stdout ≥ 150 MiB/s. Files live on /dev/shm so the disk is not what is measured.
 */
const ROOT = join(__dirname, '..', '..');
const BLOB = join(ROOT, 'bin', 'blob.cjs');

/**
 * The machine is shared, so beside wall time each transfer records the CPU the server side used
 * (the gateway runs in this process, moto in its child) next to the client's: with a core each,
 * the transfer cannot go faster than bytes / the largest of the three (client, gateway, moto), which
 * is the contention-free figure (`cpuBoundMibPerSecond`) when the load average is far above the core
 * count; `cpuSecondsPerGiB` gives each process's share. For the
 * stdout shape this process also hashes what blob writes, so its server figure is an upper bound.
 */
interface ServerCpu {
  moto: number;
  gateway: number;
}
const perGiB = (seconds: number, bytes: number): number => Number(((seconds * 1024 * MiB) / bytes).toFixed(2));
const figure = (bytes: number, m: Measured, server: ServerCpu) => ({
  seconds: Number(m.seconds.toFixed(2)),
  mibPerSecond: mibPerSecond(bytes, m.seconds),
  cpuSeconds: m.cpuSeconds === null ? null : Number(m.cpuSeconds.toFixed(2)),
  serverCpuSeconds: Number((server.moto + server.gateway).toFixed(2)),
  // CPU-seconds per GiB moved, per process: what bounds each hop whatever the load.
  cpuSecondsPerGiB: { client: m.cpuSeconds === null ? null : perGiB(m.cpuSeconds, bytes), moto: perGiB(server.moto, bytes), gateway: perGiB(server.gateway, bytes) },
  cpuBoundMibPerSecond: mibPerSecond(bytes, Math.max(m.cpuSeconds ?? 0, server.moto, server.gateway)),
  peakRssMb: m.maxRssMb,
});

function motoPid(): number {
  const r = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'moto_launcher.py'], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split('\n')[0]);
  if (!pid) throw new Error('the local stack\'s moto process was not found among this process\'s children');
  return pid;
}

const scenario: BenchScenario = {
  name: 'local-data-plane',
  description: 'blob put/get of a 1 GiB file and 2 GiB through stdin/stdout on the local copy (gateway + moto), every download hash-verified; targets get >= 200 MiB/s, get - >= 150 MiB/s',
  async run({ quick, log }) {
    const fileBytes = quick ? 64 * MiB : 1024 * MiB;
    const streamBytes = quick ? 128 * MiB : 2048 * MiB;
    const before = load();
    const build = spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'blob'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building dist/blob.cjs failed');
    const work = mkdtempSync(join('/dev/shm', 'blob-local-bench-'));
    const stack = await startLocalStack({ quiet: true });
    const env = { ...stack.awsEnv, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const moto = motoPid();
    const serverCpu = (): ServerCpu => {
      const own = process.cpuUsage();
      return { moto: processCpuSeconds(moto), gateway: (own.user + own.system) / 1e6 };
    };
    const blob = async (args: string[], stdinBytes?: number): Promise<[Measured, ServerCpu]> => {
      const before = serverCpu();
      const m = await measure(process.execPath, [BLOB, '--quiet', ...args], { env, stdinBytes });
      const after = serverCpu();
      return [m, { moto: after.moto - before.moto, gateway: after.gateway - before.gateway }];
    };
    const target = `s3://${stack.outputs.bucket}/bench-data-plane`;
    try {
      const source = join(work, 'source.bin');
      const sourceSha = await writeRandomFile(source, fileBytes);
      log(`put/get ${fileBytes / MiB} MiB file`);
      const [put, putServer] = await blob(['put', source, `${target}/file.bin`]);
      const out = join(work, 'out.bin');
      const [get, getServer] = await blob(['get', `${target}/file.bin`, out]);
      if ((await fileSha256(out)) !== sourceSha) throw new Error('blob get wrote different bytes than were put');
      rmSync(out);
      log(`stream ${streamBytes / MiB} MiB through blob put - / blob get -`);
      const [streamPut, streamPutServer] = await blob(['put', '-', `${target}/stream.bin`], streamBytes);
      const [streamGet, streamGetServer] = await blob(['get', `${target}/stream.bin`, '-']);
      if (streamGet.stdoutBytes !== streamBytes || streamGet.stdoutSha256 !== streamSha256(streamBytes)) {
        throw new Error(`blob get - wrote ${streamGet.stdoutBytes} bytes that differ from the ${streamBytes} put`);
      }
      const figures = {
        load: before,
        fileMib: fileBytes / MiB,
        streamMib: streamBytes / MiB,
        put: figure(fileBytes, put, putServer),
        get: figure(fileBytes, get, getServer),
        stdinPut: figure(streamBytes, streamPut, streamPutServer),
        stdoutGet: figure(streamBytes, streamGet, streamGetServer),
        targets: { getMibPerSecond: 200, stdoutGetMibPerSecond: 150 },
        meetsTargets: mibPerSecond(fileBytes, get.seconds) >= 200 && mibPerSecond(streamBytes, streamGet.seconds) >= 150,
        verified: 'sha256 of every download equals the source',
      };
      log(JSON.stringify(figures));
      return figures;
    } finally {
      await stack.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default scenario;

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack } from '../../local/stack';
import { fileSha256, load, measure, Measured, MiB, mibPerSecond, streamSha256, writeRandomFile } from '../measure';
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

const figure = (bytes: number, m: Measured) => ({
  seconds: Number(m.seconds.toFixed(2)),
  mibPerSecond: mibPerSecond(bytes, m.seconds),
  cpuSeconds: m.cpuSeconds === null ? null : Number(m.cpuSeconds.toFixed(2)),
  peakRssMb: m.maxRssMb,
});

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
    const blob = (args: string[], stdinBytes?: number) => measure(process.execPath, [BLOB, '--quiet', ...args], { env, stdinBytes });
    const target = `s3://${stack.outputs.bucket}/bench-data-plane`;
    try {
      const source = join(work, 'source.bin');
      const sourceSha = await writeRandomFile(source, fileBytes);
      log(`put/get ${fileBytes / MiB} MiB file`);
      const put = await blob(['put', source, `${target}/file.bin`]);
      const out = join(work, 'out.bin');
      const get = await blob(['get', `${target}/file.bin`, out]);
      if ((await fileSha256(out)) !== sourceSha) throw new Error('blob get wrote different bytes than were put');
      rmSync(out);
      log(`stream ${streamBytes / MiB} MiB through blob put - / blob get -`);
      const streamPut = await blob(['put', '-', `${target}/stream.bin`], streamBytes);
      const streamGet = await blob(['get', `${target}/stream.bin`, '-']);
      if (streamGet.stdoutBytes !== streamBytes || streamGet.stdoutSha256 !== streamSha256(streamBytes)) {
        throw new Error(`blob get - wrote ${streamGet.stdoutBytes} bytes that differ from the ${streamBytes} put`);
      }
      const figures = {
        load: before,
        fileMib: fileBytes / MiB,
        streamMib: streamBytes / MiB,
        put: figure(fileBytes, put),
        get: figure(fileBytes, get),
        stdinPut: figure(streamBytes, streamPut),
        stdoutGet: figure(streamBytes, streamGet),
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

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mapPool } from '../../cli/blob/transfer/pool';
import { createVersionedBucket, s3For } from '../../test/cli/blob-harness';
import { awsEnvFor, startMoto } from '../../test/support/moto';
import { measure, Measured } from '../measure';
import type { BenchScenario } from '../types';

/**
 * Issue 15 acceptance 3: peak RSS of `blob snapshot create`, `restore --snapshot` and `fork` on a
 * prefix of 100,000 objects (BENCH_SNAPSHOT_OBJECTS overrides; --quick: 10,000), each a real CLI
 * process under /usr/bin/time -v against moto (the test launcher, conditional patches included).
 * The target is < 200 MB: every step streams listings and the manifest and merge-joins key streams.
 */
const ROOT = join(__dirname, '..', '..');
const BLOB = join(ROOT, 'bin', 'blob.cjs');
const BUCKET = 'bench-snapshots';

const scenario: BenchScenario = {
  name: 'snapshot-100k',
  description: 'blob snapshot create / restore --snapshot / fork on 100,000 objects: wall time and peak RSS (< 200 MB)',
  async run({ quick, log }) {
    const count = Number(process.env.BENCH_SNAPSHOT_OBJECTS ?? (quick ? 10_000 : 100_000));
    const changed = Math.max(1, Math.round(count / 100));
    spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'blob'], { stdio: 'inherit' });
    const moto = await startMoto();
    const s3 = s3For(moto.endpoint);
    try {
      const env = { ...awsEnvFor(moto.endpoint), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      await createVersionedBucket(s3, BUCKET);
      const key = (i: number): string => `ws/${String(i % 100).padStart(2, '0')}/obj-${String(i).padStart(6, '0')}`;
      let t = performance.now();
      await mapPool(Array.from({ length: count }, (_, i) => i), 32, (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(i), Body: `object ${i}` })));
      const seedSeconds = (performance.now() - t) / 1000;
      log(`${count} objects written in ${seedSeconds.toFixed(0)} s`);
      const blob = async (what: string, args: string[]): Promise<Measured> => {
        const m = await measure(process.execPath, [BLOB, '--quiet', ...args], { env });
        log(`${what}: ${m.seconds.toFixed(1)} s, peak RSS ${m.maxRssMb} MB`);
        return m;
      };
      // A dry run after each step must find nothing left to copy: the step did all of its work.
      const leftToCopy = (args: string[]): number => {
        const r = spawnSync(process.execPath, [BLOB, '--quiet', ...args, '--dry-run'], { env: { ...process.env, ...env }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`blob ${args.join(' ')} --dry-run exited ${r.status}: ${r.stderr}`);
        return (JSON.parse(r.stdout) as { copied: number }).copied;
      };
      const create = await blob('snapshot create', ['snapshot', 'create', `s3://${BUCKET}/ws/`, '--name', 'base']);
      t = performance.now();
      await mapPool(Array.from({ length: changed }, (_, i) => i * 100), 32, (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(i), Body: `changed ${i}` })));
      log(`${changed} objects overwritten in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const restore = await blob('restore --snapshot', ['restore', `s3://${BUCKET}/ws/`, '--snapshot', 'base']);
      const restoreLeft = leftToCopy(['restore', `s3://${BUCKET}/ws/`, '--snapshot', 'base']);
      const fork = await blob('fork --snapshot', ['fork', `s3://${BUCKET}/ws/`, `s3://${BUCKET}/fork/`, '--snapshot', 'base', '--concurrency', '32']);
      const forkLeft = leftToCopy(['fork', `s3://${BUCKET}/ws/`, `s3://${BUCKET}/fork/`, '--snapshot', 'base']);
      if (restoreLeft !== 0 || forkLeft !== 0) throw new Error(`left to copy after the runs: restore ${restoreLeft}, fork ${forkLeft}`);
      const peak = Math.max(create.maxRssMb ?? 0, restore.maxRssMb ?? 0, fork.maxRssMb ?? 0);
      return {
        objects: count,
        overwritten_before_restore: changed,
        seed_seconds: Math.round(seedSeconds),
        snapshot_create: { seconds: Math.round(create.seconds * 10) / 10, peak_rss_mb: create.maxRssMb },
        restore_snapshot: { seconds: Math.round(restore.seconds * 10) / 10, peak_rss_mb: restore.maxRssMb, copies: changed },
        fork_snapshot: { seconds: Math.round(fork.seconds * 10) / 10, peak_rss_mb: fork.maxRssMb, copies: count },
        peak_rss_mb: peak,
        under_200_mb: peak > 0 && peak < 200,
      };
    } finally {
      s3.destroy();
      await moto.stop();
    }
  },
};

export default scenario;

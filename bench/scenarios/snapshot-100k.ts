import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../../core/aws-config';
import { mapPool } from '../../cli/blob/transfer/pool';
import { createVersionedBucket, s3For } from '../../test/cli/blob-harness';
import { awsEnvFor, startMoto } from '../../test/support/moto';
import { load, measure, Measured } from '../measure';
import { ACCESS_KEY, REGION, SECRET_KEY, clientEnv, ensureTools, s5cmd, startVersitygw } from '../peers';
import type { BenchScenario } from '../types';

/**
 * Issue 15 acceptance 3: peak RSS of `blob snapshot create`, `restore --snapshot` and `fork` on a
 * prefix of 100,000 objects (BENCH_SNAPSHOT_OBJECTS overrides; --quick: 10,000), each a real CLI
 * process under /usr/bin/time -v. The server is versitygw (posix backend on tmpfs with
 * --versioning-dir, bench/peers.ts) when .tools/bin/versitygw exists, else moto (the test launcher,
 * conditional patches included; its ListObjectVersions is quadratic, so 10,000 objects is its
 * practical limit); BENCH_SNAPSHOT_SERVER=versitygw|moto chooses. After the snapshot, 1% of the
 * keys are overwritten, 0.5% deleted and 0.5% added; restore --delete must undo all of it.
 * The target is < 200 MB: every step streams listings and the manifest and merge-joins key streams.
 */
const ROOT = join(__dirname, '..', '..');
const BLOB = join(ROOT, 'bin', 'blob.cjs');
const VERSITYGW = join(ROOT, '.tools', 'bin', 'versitygw');
const BUCKET = 'bench-snapshots';

interface Server {
  name: 'versitygw' | 'moto';
  s3: S3Client;
  env: Record<string, string>;
  /** Writes objects 0..count-1 with body `object i`. */
  seed(count: number, key: (i: number) => string): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(work: string): Promise<Server> {
  const name = (process.env.BENCH_SNAPSHOT_SERVER ?? (existsSync(VERSITYGW) ? 'versitygw' : 'moto')) as Server['name'];
  if (name === 'moto') {
    const moto = await startMoto();
    const s3 = s3For(moto.endpoint);
    await createVersionedBucket(s3, BUCKET);
    return {
      name,
      s3,
      env: { ...awsEnvFor(moto.endpoint), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      seed: async (count, key) => {
        await mapPool(Array.from({ length: count }, (_, i) => i), 32, (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(i), Body: `object ${i}` })));
      },
      stop: async () => {
        s3.destroy();
        await moto.stop();
      },
    };
  }
  if (name !== 'versitygw') throw new Error(`BENCH_SNAPSHOT_SERVER must be versitygw or moto, not ${name}`);
  ensureTools();
  const server = await startVersitygw({ versioning: true });
  const s3 = new S3Client({ ...clientConfig({ endpoint: server.endpoint, region: REGION }), credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  const env = clientEnv(server.endpoint, work);
  return {
    name,
    s3,
    env,
    // s5cmd uploads a local tree of the same keys and bodies, far faster than one PutObject each from here.
    seed: async (count, key) => {
      const src = join(work, 'seed');
      for (let i = 0; i < count; i++) {
        const path = join(src, key(i));
        if (i < 100) mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, `object ${i}`);
      }
      const [cmd, args] = s5cmd(server.endpoint, '--numworkers', '64', 'cp', `${src}/*`, `s3://${BUCKET}/`);
      const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`s5cmd cp exited ${r.status}: ${r.stderr.slice(-2000)}`);
      rmSync(src, { recursive: true, force: true });
    },
    stop: async () => {
      s3.destroy();
      await server.stop();
    },
  };
}

/** Key → ETag of every object under the prefix (keys relative to it). */
async function listing(s3: S3Client, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken }));
    for (const o of page.Contents ?? []) if (!o.Key!.includes('.snapshots/')) out.set(o.Key!.slice(prefix.length), o.ETag!);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return out;
}

const scenario: BenchScenario = {
  name: 'snapshot-100k',
  description: 'blob snapshot create / restore --snapshot / fork on 100,000 objects: wall time and peak RSS (< 200 MB)',
  async run({ quick, log }) {
    const count = Number(process.env.BENCH_SNAPSHOT_OBJECTS ?? (quick ? 10_000 : 100_000));
    const overwritten = Math.max(1, Math.round(count / 100));
    const deleted = Math.max(1, Math.round(count / 200));
    const added = Math.max(1, Math.round(count / 200));
    spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'blob'], { stdio: 'inherit' });
    const loadBefore = load();
    const work = mkdtempSync(join(tmpdir(), 'bench-snapshot-'));
    const server = await startServer(work);
    const { s3, env } = server;
    try {
      const key = (i: number): string => `ws/${String(i % 100).padStart(2, '0')}/obj-${String(i).padStart(6, '0')}`;
      let t = performance.now();
      await server.seed(count, key);
      const seedSeconds = (performance.now() - t) / 1000;
      log(`${server.name}: ${count} objects written in ${seedSeconds.toFixed(0)} s`);
      const seeded = await listing(s3, 'ws/');
      if (seeded.size !== count) throw new Error(`seeded ${count} objects, the listing has ${seeded.size}`);
      const blob = async (what: string, args: string[]): Promise<Measured> => {
        const m = await measure(process.execPath, [BLOB, '--quiet', ...args], { env });
        log(`${what}: ${m.seconds.toFixed(1)} s, peak RSS ${m.maxRssMb} MB`);
        return m;
      };
      // A dry run after each step must find nothing left to do: the step did all of its work.
      const dryRun = (args: string[]): { copied: number; deleted: number } => {
        const r = spawnSync(process.execPath, [BLOB, '--quiet', ...args, '--dry-run'], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
        if (r.status !== 0) throw new Error(`blob ${args.join(' ')} --dry-run exited ${r.status}: ${r.stderr}`);
        return JSON.parse(r.stdout) as { copied: number; deleted: number };
      };
      const create = await blob('snapshot create', ['snapshot', 'create', `s3://${BUCKET}/ws/`, '--name', 'base']);
      t = performance.now();
      // Overwrite keys 0, 100, 200…, delete keys 50, 250, 450…, add keys count, count+1…
      await mapPool(Array.from({ length: overwritten }, (_, i) => (i * 100) % count), 32, (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(i), Body: `changed ${i}` })));
      await mapPool(Array.from({ length: deleted }, (_, i) => (50 + i * 200) % count), 32, (i) => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key(i) })));
      await mapPool(Array.from({ length: added }, (_, i) => count + i), 32, (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(i), Body: `added ${i}` })));
      log(`${overwritten} overwritten, ${deleted} deleted, ${added} added in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const restoreArgs = ['restore', `s3://${BUCKET}/ws/`, '--snapshot', 'base', '--delete'];
      const restorePlan = dryRun(restoreArgs);
      const restore = await blob('restore --snapshot --delete', restoreArgs);
      const restoreLeft = dryRun(restoreArgs);
      const forkArgs = ['fork', `s3://${BUCKET}/ws/`, `s3://${BUCKET}/fork/`, '--snapshot', 'base'];
      const fork = await blob('fork --snapshot', [...forkArgs, '--concurrency', '32']);
      const forkLeft = dryRun(forkArgs);
      const loadAfter = load();
      if (restorePlan.copied !== overwritten + deleted || restorePlan.deleted !== added) {
        throw new Error(`restore planned ${restorePlan.copied} copies and ${restorePlan.deleted} deletes, expected ${overwritten + deleted} and ${added}`);
      }
      if (restoreLeft.copied + restoreLeft.deleted !== 0 || forkLeft.copied !== 0) throw new Error(`left after the runs: restore ${JSON.stringify(restoreLeft)}, fork ${JSON.stringify(forkLeft)}`);
      // Listings with ETags: the restored prefix and the fork both equal the prefix as seeded.
      const [restored, forked] = await Promise.all([listing(s3, 'ws/'), listing(s3, 'fork/')]);
      const differs = (m: Map<string, string>): number => [...seeded].filter(([k, e]) => m.get(k) !== e).length + Math.max(0, m.size - seeded.size);
      if (differs(restored) !== 0 || differs(forked) !== 0) throw new Error(`listings differ from the seeded prefix: restored ${differs(restored)}, fork ${differs(forked)}`);
      log(`verified: ws/ and fork/ each list ${count} keys with the seeded ETags`);
      const peak = Math.max(create.maxRssMb ?? 0, restore.maxRssMb ?? 0, fork.maxRssMb ?? 0);
      const round = (x: number): number => Math.round(x * 10) / 10;
      return {
        server: server.name,
        objects: count,
        changed_after_snapshot: { overwritten, deleted, added },
        seed_seconds: Math.round(seedSeconds),
        snapshot_create: { seconds: round(create.seconds), cpu_seconds: round(create.cpuSeconds ?? NaN), peak_rss_mb: create.maxRssMb },
        restore_snapshot: { seconds: round(restore.seconds), cpu_seconds: round(restore.cpuSeconds ?? NaN), peak_rss_mb: restore.maxRssMb, copies: restorePlan.copied, deletes: restorePlan.deleted },
        fork_snapshot: { seconds: round(fork.seconds), cpu_seconds: round(fork.cpuSeconds ?? NaN), peak_rss_mb: fork.maxRssMb, copies: count },
        verified: 'dry runs find nothing left to copy or delete; ws/ and fork/ listings equal the seeded keys and ETags',
        peak_rss_mb: peak,
        under_200_mb: peak > 0 && peak < 200,
        load_before: loadBefore,
        load_after: loadAfter,
      };
    } finally {
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default scenario;

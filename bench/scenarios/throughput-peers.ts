import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileSha256, load, measure, Measured, MiB, processCpuSeconds, streamSha256, writeRandomFile } from '../measure';
import { CLIENTS, ClientName, clientCommands, clientEnv, ensureTools, floorPlan, nodeFloor, s5cmd, startVersitygw } from '../peers';
import type { BenchScenario } from '../types';
import { median } from '../stats';

/**
 * Issue 17 item 1: blob, the AWS CLI and s5cmd side by side on a fast S3-compatible server
 * (versitygw, posix backend on tmpfs, loopback), interleaved (the client order rotates each
 * round) over several rounds (BENCH_ROUNDS, default 3), on six shapes. Per client and shape: median
 * wall time, MiB/s, CPU-seconds and peak RSS (/usr/bin/time -v); ratios are throughput ratios
 * (> 1: blob faster). Every download is verified by SHA-256; local files live on /dev/shm.
 *
 * Two figures say what is physically possible on the machine of the run. Each run also records the
 * CPU the server spent on it, so `cpuBudget` can say how much CPU a client may use at most to tie
 * s5cmd (cores × s5cmd's wall time − the server's CPU in s5cmd's run). And get-file and the
 * directory shapes also run bench/node-floor.cjs as a fourth runner: only the work any Node.js
 * client must do (presigned URLs, raw sockets, blob's temp file, sync and rename; put-dir walks and
 * hashes as it must; no listing, signing or SDK). Floor ÷ s5cmd below 1 means no Node client can
 * reach s5cmd there; blob ÷ floor says how close blob comes.
 */
const ROOT = join(__dirname, '..', '..');

type Shape = 'put-file' | 'get-file' | 'put-dir' | 'get-dir' | 'stdin-put' | 'stdout-get';
const SHAPES: readonly Shape[] = ['put-file', 'get-file', 'put-dir', 'get-dir', 'stdin-put', 'stdout-get'];
type Runner = ClientName | 'node-floor';
const FLOORED: readonly Shape[] = ['get-file', 'put-dir', 'get-dir'];
const runnersOf = (shape: Shape): readonly Runner[] => (FLOORED.includes(shape) ? [...CLIENTS, 'node-floor'] : CLIENTS);
/** A measured run plus the CPU the server spent during it. */
type Sample = Measured & { serverCpuSeconds: number };

const round2 = (x: number): number => Math.round(x * 100) / 100;

const scenario: BenchScenario = {
  name: 'throughput-peers',
  description: 'blob vs aws-cli vs s5cmd on versitygw (posix on tmpfs, loopback), interleaved rounds, six shapes; median MiB/s, CPU-s, peak RSS, ratios; every download sha256-verified',
  async run({ quick, log }) {
    const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 3));
    const fileBytes = quick ? 64 * MiB : 1024 * MiB;
    const streamBytes = quick ? 128 * MiB : 2048 * MiB;
    const smallCount = quick ? 100 : 1000;
    const smallBytes = 100 * 1024;
    ensureTools();
    const build = spawnSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'blob'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building dist/blob.cjs failed');
    const before = load();
    const cores = before.cpus;
    const server = await startVersitygw();
    const work = mkdtempSync(join('/dev/shm', 'peers-bench-'));
    const env = clientEnv(server.endpoint, work);
    const bucket = 'peers-bench';
    const s3 = `s3://${bucket}`;
    const samples = new Map<string, Sample[]>();
    try {
      const s5 = clientCommands('s5cmd', server.endpoint);
      const run = (cmd: [string, string[]], stdinBytes?: number) => measure(cmd[0], cmd[1], { env, stdinBytes, cwd: work });
      await run(s5cmd(server.endpoint, 'mb', s3));
      const file = join(work, 'file.bin');
      const fileSha = await writeRandomFile(file, fileBytes);
      const dir = join(work, 'dir');
      mkdirSync(join(dir, 'nested'), { recursive: true });
      const dirShas = new Map<string, string>();
      for (let i = 0; i < smallCount; i++) {
        const rel = join(i % 2 ? 'nested' : '', `f${i}.bin`);
        const body = randomBytes(smallBytes);
        writeFileSync(join(dir, rel), body);
        dirShas.set(rel, createHash('sha256').update(body).digest('hex'));
      }
      // The objects every client downloads, put once by s5cmd (not measured).
      await run(s5.put(file, `${s3}/seed/file.bin`));
      await run(s5.putDir(dir, `${s3}/seed/dir/`));
      await run(s5.putStdin(`${s3}/seed/stream.bin`), streamBytes);
      const out = join(work, 'out');
      const rels = [...dirShas.keys()];
      const floorGet = join(work, 'floor-get.json');
      writeFileSync(floorGet, JSON.stringify(await floorPlan(server.endpoint, 'GET', bucket, rels.map((rel) => ({ key: `seed/dir/${rel}`, path: join(out, rel) })))));

      const checkDir = async (who: Runner): Promise<void> => {
        for (const [rel, sha] of dirShas) if ((await fileSha256(join(out, rel))) !== sha) throw new Error(`${who} get-dir: ${rel} differs`);
        const got = readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.bin')).length;
        if (got !== smallCount) throw new Error(`${who} get-dir: ${got} files, expected ${smallCount}`);
      };
      const floorGetFile = join(work, 'floor-get-file.json');
      writeFileSync(floorGetFile, JSON.stringify(await floorPlan(server.endpoint, 'GET', bucket, [{ key: 'seed/file.bin', path: join(out, 'file.bin'), size: fileBytes }])));
      const floor = async (shape: Shape): Promise<Measured> => {
        if (shape === 'get-file') {
          const m = await run(nodeFloor('get-file', floorGetFile));
          if ((await fileSha256(join(out, 'file.bin'))) !== fileSha) throw new Error('node-floor get-file: bytes differ');
          return m;
        }
        if (shape === 'get-dir') {
          const m = await run(nodeFloor('get-dir', floorGet));
          await checkDir('node-floor');
          return m;
        }
        const prefix = `put/node-floor/dir-${Date.now()}/`;
        const plan = join(work, 'floor-put.json');
        writeFileSync(plan, JSON.stringify(await floorPlan(server.endpoint, 'PUT', bucket, rels.map((rel) => ({ key: `${prefix}${rel}`, path: join(dir, rel) })))));
        return run(nodeFloor('put-dir', plan, dir));
      };

      const once = async (client: Runner, shape: Shape): Promise<Sample> => {
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        const serverBefore = processCpuSeconds(server.pid);
        const m = client === 'node-floor' ? await floor(shape) : await clientRun(client, shape);
        return { ...m, serverCpuSeconds: round2(processCpuSeconds(server.pid) - serverBefore) };
      };
      const clientRun = async (client: ClientName, shape: Shape): Promise<Measured> => {
        const c = clientCommands(client, server.endpoint);
        const mine = `${s3}/put/${client}`;
        switch (shape) {
          case 'put-file':
            return run(c.put(file, `${mine}/file.bin`));
          case 'get-file': {
            const m = await run(c.get(`${s3}/seed/file.bin`, join(out, 'file.bin')));
            if ((await fileSha256(join(out, 'file.bin'))) !== fileSha) throw new Error(`${client} get-file: bytes differ`);
            return m;
          }
          case 'put-dir':
            return run(c.putDir(dir, `${mine}/dir-${Date.now()}/`));
          case 'get-dir': {
            const m = await run(c.getDir(`${s3}/seed/dir/`, out));
            await checkDir(client);
            return m;
          }
          case 'stdin-put':
            return run(c.putStdin(`${mine}/stream.bin`), streamBytes);
          case 'stdout-get': {
            const m = await run(c.getStdout(`${s3}/seed/stream.bin`));
            if (m.stdoutBytes !== streamBytes || m.stdoutSha256 !== streamSha256(streamBytes)) throw new Error(`${client} stdout-get: bytes differ`);
            return m;
          }
        }
      };

      for (let r = 0; r < rounds; r++) {
        // Rotate the order each round so no client always runs first (cold) or last.
        for (const shape of SHAPES) {
          const runners = runnersOf(shape);
          const order = runners.map((_, i) => runners[(i + r) % runners.length]!);
          for (const client of order) {
            const m = await once(client, shape);
            const key = `${shape}/${client}`;
            samples.set(key, [...(samples.get(key) ?? []), m]);
            log(`round ${r + 1}/${rounds} ${shape} ${client}: ${m.seconds.toFixed(2)} s, ${m.cpuSeconds ?? '?'} CPU-s (server ${m.serverCpuSeconds}), ${m.maxRssMb ?? '?'} MB`);
          }
          // Free the tmpfs the puts used before the next shape.
          await run(s5cmd(server.endpoint, 'rm', `${s3}/put/*`)).catch(() => undefined);
        }
      }

      const bytesOf: Record<Shape, number> = {
        'put-file': fileBytes,
        'get-file': fileBytes,
        'put-dir': smallCount * smallBytes,
        'get-dir': smallCount * smallBytes,
        'stdin-put': streamBytes,
        'stdout-get': streamBytes,
      };
      const shapes = Object.fromEntries(
        SHAPES.map((shape) => {
          const per = Object.fromEntries(
            runnersOf(shape).map((client) => {
              const ms = samples.get(`${shape}/${client}`) ?? [];
              const seconds = median(ms.map((m) => m.seconds));
              return [
                client,
                {
                  seconds: round2(seconds),
                  mibPerSecond: round2(bytesOf[shape] / MiB / seconds),
                  cpuSeconds: round2(median(ms.map((m) => m.cpuSeconds ?? NaN))),
                  serverCpuSeconds: round2(median(ms.map((m) => m.serverCpuSeconds))),
                  peakRssMb: Math.max(...ms.map((m) => m.maxRssMb ?? 0)),
                  samplesSeconds: ms.map((m) => round2(m.seconds)),
                },
              ];
            }),
          ) as unknown as Record<Runner, { seconds: number; mibPerSecond: number; cpuSeconds: number; serverCpuSeconds: number; peakRssMb: number }>;
          const floorRun = per['node-floor'] as (typeof per)['blob'] | undefined;
          return [
            shape,
            {
              ...per,
              blobOverAwsCli: round2(per['aws-cli'].seconds / per.blob.seconds),
              blobOverS5cmd: round2(per.s5cmd.seconds / per.blob.seconds),
              ...(floorRun ? { floorOverS5cmd: round2(per.s5cmd.seconds / floorRun.seconds), blobOverFloor: round2(floorRun.seconds / per.blob.seconds) } : {}),
              // The most client CPU that still ties s5cmd's wall time with every core busy.
              cpuBudget: { cores, clientCpuToTieS5cmd: round2(cores * per.s5cmd.seconds - per.s5cmd.serverCpuSeconds), blobCpu: per.blob.cpuSeconds, ...(floorRun ? { floorCpu: floorRun.cpuSeconds } : {}) },
              blobRssUnder200Mb: per.blob.peakRssMb < 200,
            },
          ];
        }),
      );
      return { load: before, loadAfter: load(), rounds, fileMib: fileBytes / MiB, streamMib: streamBytes / MiB, smallFiles: smallCount, smallKib: smallBytes / 1024, shapes, verified: 'sha256 of every download' };
    } finally {
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default scenario;

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/**
 * Running a transfer client as the throughput benchmarks do: wall time, the child's CPU seconds
 * and peak RSS (from /usr/bin/time -v, i.e. wait4's rusage), and what it wrote to stdout counted
 * and hashed so a download to stdout is verified byte for byte without keeping it.
 */
export const MiB = 1024 * 1024;

export interface Measured {
  seconds: number;
  cpuSeconds: number | null;
  maxRssMb: number | null;
  stdoutBytes: number;
  stdoutSha256: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Feeds this many bytes of deterministic data (see streamBytes) through stdin. */
  stdinBytes?: number;
}

/** The bytes `stdinBytes` feeds: 8 MiB of seeded random data repeated, so its hash is computable. */
const STREAM_BLOCK = (() => {
  const block = Buffer.alloc(8 * MiB);
  let x = 0x9e3779b9;
  for (let i = 0; i < block.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block.writeUInt32LE(x >>> 0, i);
  }
  return block;
})();

export function streamSha256(bytes: number): string {
  const hash = createHash('sha256');
  for (let left = bytes; left > 0; left -= STREAM_BLOCK.length) hash.update(left >= STREAM_BLOCK.length ? STREAM_BLOCK : STREAM_BLOCK.subarray(0, left));
  return hash.digest('hex');
}

export function measure(cmd: string, args: string[], opts: RunOptions = {}): Promise<Measured> {
  const useTime = existsSync('/usr/bin/time');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { ...process.env, ...opts.env };
    const child = useTime
      ? spawn('/usr/bin/time', ['-v', cmd, ...args], { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(cmd, args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let stdoutBytes = 0;
    const hash = createHash('sha256');
    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      hash.update(d);
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      resolve({
        seconds,
        cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : null,
        maxRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null,
        stdoutBytes,
        stdoutSha256: hash.digest('hex'),
      });
    });
    child.stdin.on('error', () => undefined);
    if (opts.stdinBytes === undefined) {
      child.stdin.end();
      return;
    }
    let left = opts.stdinBytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, STREAM_BLOCK.length);
        left -= n;
        if (!child.stdin.write(n === STREAM_BLOCK.length ? STREAM_BLOCK : STREAM_BLOCK.subarray(0, n))) {
          child.stdin.once('drain', pump);
          return;
        }
      }
      child.stdin.end();
    };
    pump();
  });
}

/** Writes `bytes` of random data to `path` in 8 MiB writes; returns its SHA-256. */
export async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  const chunk = randomBytes(8 * MiB);
  for (let left = bytes; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    hash.update(piece);
    if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return hash.digest('hex');
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const mibPerSecond = (bytes: number, seconds: number): number => Math.round((bytes / MiB / seconds) * 10) / 10;

/** The machine's load when a run starts (`uptime`'s averages): benchmarks on a busy machine say so. */
export function load(): { loadAverage: number[]; cpus: number } {
  return { loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), cpus: cpus().length };
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

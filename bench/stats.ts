import { spawnSync } from 'node:child_process';

/** The median (the mean of the two middle values for an even count): the figure every scenario reports. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Median wall milliseconds of `n` runs of a command (stdout discarded; a non-zero exit fails the
 * scenario with its stderr). `warmup` runs first, uncounted, so the page cache is warm;
 * `decimals` is the rounding of the result.
 */
export function timeRuns(n: number, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, opts: { warmup?: number; decimals?: number } = {}): number {
  const ms: number[] = [];
  const warmup = opts.warmup ?? 0;
  for (let i = 0; i < n + warmup; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
    if (i >= warmup) ms.push(performance.now() - t);
  }
  const scale = 10 ** (opts.decimals ?? 0);
  return Math.round(median(ms) * scale) / scale;
}

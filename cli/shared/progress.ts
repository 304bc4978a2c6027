import type { SingleBar } from 'cli-progress';

/** A byte counter that draws a bar only for a person watching a terminal. */
export interface Progress {
  add(bytes: number): void;
  setTotal(total: number): void;
  stop(): void;
}

const NONE: Progress = { add: () => undefined, setTotal: () => undefined, stop: () => undefined };

export function createProgress(label: string, total: number | undefined, quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY) return NONE;
  // Loaded lazily: scripts (non-TTY) never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SingleBar: Bar, Presets } = require('cli-progress') as typeof import('cli-progress');
  const bar: SingleBar = new Bar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% {value_mb}/{total_mb} MiB`, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  let value = 0;
  let max = total ?? 0;
  const mb = (n: number): string => (n / 1048576).toFixed(1);
  bar.start(max || 1, 0, { value_mb: '0.0', total_mb: total === undefined ? '?' : mb(max) });
  return {
    add(bytes) {
      value += bytes;
      if (max && value > max) max = value;
      bar.setTotal(max || value || 1);
      bar.update(value, { value_mb: mb(value), total_mb: total === undefined ? '?' : mb(max) });
    },
    setTotal(t) {
      max = t;
      bar.setTotal(t);
    },
    stop() {
      bar.stop();
    },
  };
}

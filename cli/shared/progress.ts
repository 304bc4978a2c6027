import type { SingleBar } from 'cli-progress';

/** A byte counter that draws a bar only for a person watching a terminal. */
export interface Progress {
  add(bytes: number): void;
  setTotal(total: number): void;
  stop(): void;
}

const NONE: Progress = { add: () => undefined, setTotal: () => undefined, stop: () => undefined };

/** Shows the cursor and turns line wrap back on (what a bar turns off while it draws). */
export const TERMINAL_RESTORE = '\x1b[?25h\x1b[?7h';

/** Terminals a bar has drawn on and not yet handed back (an interrupt may come mid-draw). */
const drawing = new Set<NodeJS.WritableStream>();

/** Called on an interrupt: gives back every terminal a bar is drawing on. */
export function restoreTerminal(): void {
  for (const stream of drawing) stream.write(`\r\x1b[K${TERMINAL_RESTORE}`);
  drawing.clear();
}

/** "12.3 MiB/s": bytes over the time since the bar started. */
export function formatRate(bytes: number, ms: number): string {
  const perSec = ms > 0 ? (bytes / ms) * 1000 : 0;
  return `${(perSec / 1048576).toFixed(1)} MiB/s`;
}

export function createProgress(label: string, total: number | undefined, quiet: boolean, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  if (quiet || !stream.isTTY) return NONE;
  // Loaded lazily: scripts (non-TTY) never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SingleBar: Bar, Presets } = require('cli-progress') as typeof import('cli-progress');
  const bar: SingleBar = new Bar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${label} [{bar}] {percentage}% {value_mb}/{total_mb} MiB {rate} ETA {eta_formatted}`,
      hideCursor: true,
      linewrap: false,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  let value = 0;
  let max = total ?? 0;
  const started = Date.now();
  const mb = (n: number): string => (n / 1048576).toFixed(1);
  const payload = (): Record<string, string> => ({ value_mb: mb(value), total_mb: max ? mb(max) : '?', rate: formatRate(value, Date.now() - started) });
  drawing.add(stream);
  bar.start(max || 1, 0, payload());
  let stopped = false;
  return {
    add(bytes) {
      value += bytes;
      if (max && value > max) max = value;
      bar.setTotal(max || value || 1);
      bar.update(value, payload());
    },
    setTotal(t) {
      max = t;
      bar.setTotal(t || 1);
      bar.update(value, payload());
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
      drawing.delete(stream);
    },
  };
}

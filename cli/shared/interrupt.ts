import { setMaxListeners } from 'node:events';
import { CliError, EXIT, ExitCode } from './cli-errors';
import { restoreTerminal } from './progress';

/**
 * SIGINT/SIGTERM for every transfer, one way: the signal aborts an AbortController the transfer
 * passes to each request and stream, the transfer's own cleanup runs (abort the multipart upload,
 * remove the temporary file), and the command ends with one line saying what was and was not done
 * and exit 130/143. If cleanup does not finish within a second, or a second signal comes, the
 * registered synchronous cleanups run and the process exits anyway: a user pressing Ctrl-C must
 * never wait on a stuck request.
 */
export type SignalName = 'SIGINT' | 'SIGTERM';

const EXIT_FOR: Readonly<Record<SignalName, ExitCode>> = { SIGINT: EXIT.INTERRUPTED, SIGTERM: EXIT.TERMINATED };
const GRACE_MS = 1000;

/** The error a transfer ends with after a signal: "blob: interrupted: <what was and was not done>". */
export class InterruptedError extends CliError {
  constructor(
    message: string,
    readonly signalName: SignalName,
  ) {
    super(message, EXIT_FOR[signalName]);
    this.name = 'InterruptedError';
  }

  override line(program: string): string {
    return `${program}: interrupted: ${this.message}`;
  }
}

export interface Interruptible {
  /** Aborted when a signal arrives; pass it to every request and stream. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  received(): SignalName | undefined;
  /** A synchronous cleanup for a forced exit (e.g. unlink a temp file); returns its remover. */
  onForcedExit(fn: () => void): () => void;
}

export interface InterruptibleRun<T> {
  /** The transfer; it should reject promptly once `signal` aborts. */
  readonly work: (intr: Interruptible) => Promise<T>;
  /** What was and was not done, for the one line after an interrupt (called after cleanup). */
  readonly describe: (signal: SignalName) => string;
  /** What completed, when the signal came after the work had already succeeded. */
  readonly completed?: (result: T) => string;
  /** The program name for the forced-exit line. */
  readonly program?: string;
  /** How to end the process when cleanup is stuck (default: re-raise the signal); tests stub it. */
  readonly die?: (signal: SignalName) => void;
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into an abort. Resolves with its result (after a note on
 * stderr if a signal came too late to stop it); rejects with InterruptedError if it was stopped.
 */
export async function runInterruptible<T>(run: InterruptibleRun<T>): Promise<T> {
  const controller = new AbortController();
  // Every request of a transfer listens on this one signal: hundreds at once in get-dir/put-dir.
  setMaxListeners(0, controller.signal);
  let got: SignalName | undefined;
  const forced = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;

  const forceExit = (sig: SignalName): void => {
    for (const fn of forced) {
      try {
        fn();
      } catch {
        // best effort: the process is leaving either way
      }
    }
    restoreTerminal();
    process.stderr.write(`${run.program ?? 'blob'}: interrupted: ${run.describe(sig)}\n`);
    (run.die ?? dieBy)(sig);
  };
  const onSignal = (sig: SignalName): void => {
    if (got) forceExit(got);
    got = sig;
    controller.abort(new InterruptedError(`received ${sig}`, sig));
    timer = setTimeout(() => forceExit(sig), GRACE_MS);
    timer.unref();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const intr: Interruptible = {
    signal: controller.signal,
    received: () => got,
    onForcedExit(fn) {
      forced.add(fn);
      return () => forced.delete(fn);
    },
  };
  try {
    const result = await run.work(intr);
    if (got) {
      restoreTerminal();
      process.stderr.write(`${run.program ?? 'blob'}: ${got} came after the transfer finished: ${run.completed?.(result) ?? 'it is complete'}\n`);
    }
    return result;
  } catch (err) {
    if (!got) throw err;
    restoreTerminal();
    // The caller prints the line and returns; a handle nobody can cancel (a FIFO open in the
    // thread pool, a half-read stdin) must not keep the process alive after that.
    const sig = got;
    setTimeout(() => (run.die ?? dieBy)(sig), 300).unref();
    throw new InterruptedError(run.describe(got), got);
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/**
 * Ends the process by the signal itself (shells report 128 + n: 130, 143). process.exit() would
 * wait for a thread-pool thread stuck in a write to a stalled FIFO or an open with no reader; a
 * signal with its default action does not.
 */
function dieBy(sig: SignalName): never {
  process.removeAllListeners(sig);
  process.kill(process.pid, sig);
  // Not reached once the default action runs; exit() as a last resort.
  return process.exit(EXIT_FOR[sig]);
}

/** Rejects when `signal` aborts: races a wait that cannot itself be cancelled (stdin, a FIFO open). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './synth';

/** moto in server mode on a loopback port, launched through local/moto_launcher.py. */
export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the process has exited (after stop() or a crash). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Creates .venv with the pinned moto on first run (tools/ensure-venv.sh is idempotent and quick). */
export function ensureVenv(quiet: boolean): void {
  execFileSync('bash', [join(ROOT, 'tools', 'ensure-venv.sh')], { stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit' });
}

export async function startEmulator(options: { port?: number; timeoutMs?: number } = {}): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    join(ROOT, '.venv', 'bin', 'python'),
    [join(ROOT, 'local', 'moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', PYTHONUNBUFFERED: '1' } },
  );
  // moto logs one line per request; keep the tail for error messages only.
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (process.env.LOCAL_MOTO_DEBUG) process.stderr.write(d);
    stderr = (stderr + d.toString()).slice(-8000);
  });
  // Never leave an orphaned emulator behind, even when the parent crashes.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto did not start on port ${port}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not answer on ${endpoint} within ${(options.timeoutMs ?? 30_000) / 1000} s: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    endpoint,
    port,
    pid: child.pid as number,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

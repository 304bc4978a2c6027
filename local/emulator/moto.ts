import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../paths';

/** moto in server mode on a loopback port, launched through moto_launcher.py beside this file. */
export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the process has exited (after stop() or a crash). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
  /**
   * Kills moto mid-flight for the failure drills, keeping what it had stored (moto is memory-only;
   * the S3 and DynamoDB it stands in for never lose acknowledged writes): requests in flight are
   * cut off. Resolves to a state file for startEmulator({ restoreFrom }).
   */
  crash(): Promise<string>;
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

export async function startEmulator(options: { port?: number; timeoutMs?: number; restoreFrom?: string } = {}): Promise<Emulator> {
  const port = options.port ?? (await freePort());
  const stateFile = join(tmpdir(), `blob-moto-${port}-${process.pid}-${Date.now()}.state`);
  const child: ChildProcess = spawn(
    join(ROOT, '.venv', 'bin', 'python'),
    [join(__dirname, 'moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        MOTO_ALLOW_NONEXISTENT_REGION: 'true',
        PYTHONUNBUFFERED: '1',
        MOTO_STATE_FILE: stateFile,
        ...(options.restoreFrom ? { MOTO_RESTORE_FILE: options.restoreFrom } : {}),
      },
    },
  );
  // Keep the tail of moto's stderr (tracebacks; the access log only with LOCAL_MOTO_DEBUG) for errors.
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
    crash: async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error('moto is not running');
      child.kill('SIGUSR1');
      await exited;
      if (child.exitCode !== 0 || !existsSync(stateFile)) {
        throw new Error(`moto did not write its state (exit ${child.exitCode ?? child.signalCode}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
      return stateFile;
    },
  };
}

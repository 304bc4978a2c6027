import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A private moto server for one test file: real S3/DynamoDB/SNS/SQS/EventBridge wire protocols on
 * a loopback port. Use for handler and CLI integration tests that provision their own resources;
 * end-to-end tests use the whole local stack instead. It runs through the same launcher as the
 * local copy (local/moto_launcher.py): AWS-shaped S3 events and DynamoDB writes serialised per
 * item as DynamoDB guarantees, so concurrency tests exercise our logic, not an emulator race.
 */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
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

export function ensureVenv(): void {
  execFileSync('bash', [join(ROOT, 'tools', 'ensure-venv.sh')], { stdio: 'inherit' });
}

export async function startMoto(): Promise<MotoServer> {
  ensureVenv();
  const port = await freePort();
  const launcher = join(ROOT, 'local', 'moto_launcher.py');
  const child: ChildProcess = spawn(join(ROOT, '.venv', 'bin', 'python'), [launcher, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Environment for SDK clients (and CLI subprocesses) pointed at a moto endpoint. */
export function awsEnvFor(endpoint: string, region = 'eu-central-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
  };
}

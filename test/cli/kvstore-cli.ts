import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the real `kvstore` CLI (bin/kvstore.cjs → dist/kvstore.cjs) as a subprocess. The bundle is
 * built once up front so that concurrent test processes do not each rebuild it.
 */
const ROOT = join(__dirname, '..', '..');
export const KVSTORE_BIN = join(ROOT, 'bin', 'kvstore.cjs');

export function buildKvstoreBundle(): void {
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build-cli.mjs'), 'kvstore'], { stdio: 'inherit' });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: string[], env: Record<string, string>, input?: string | Buffer): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export function kvstore(args: string[], env: Record<string, string>, input?: string | Buffer): Promise<RunResult> {
  return run(process.execPath, [KVSTORE_BIN, ...args], env, input);
}

/** A directory holding a `kvstore` executable, to put on PATH for shell scripts written as in the seed. */
export function kvstorePathDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvstore-bin-'));
  const exe = join(dir, 'kvstore');
  writeFileSync(exe, `#!/bin/sh\nexec "${process.execPath}" "${KVSTORE_BIN}" "$@"\n`);
  chmodSync(exe, 0o755);
  return dir;
}

/** Subprocess environment: moto credentials and endpoint, nothing inherited from the caller's AWS setup. */
export function cliEnv(extra: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('AWS_') && k !== 'BLOB_ENV' && v !== undefined)) as Record<string, string>;
  return { ...base, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../local/emulator/moto';

/**
 * The throughput benchmark's peers: a fast S3-compatible server (versitygw, posix backend on a
 * tmpfs directory, loopback only) and the three clients, each given the same six shapes as argv.
 * tools/ensure-bench-tools.sh builds versitygw and s5cmd into .tools/bin (bench only, never CI).
 */
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, '.tools', 'bin');
export const ACCESS_KEY = 'benchaccess';
export const SECRET_KEY = 'benchsecret-benchsecret';
export const REGION = 'us-east-1';

export interface PeerServer {
  readonly endpoint: string;
  /** The server process, so a run can record the CPU the server spent on it. */
  readonly pid: number;
  stop(): Promise<void>;
}

export function ensureTools(): void {
  const r = spawnSync('bash', [join(ROOT, 'tools', 'ensure-bench-tools.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tools/ensure-bench-tools.sh failed: the benchmark needs versitygw and s5cmd (Go 1.22+)');
}

/** `versioning`: the posix backend keeps old versions in a second tmpfs directory (--versioning-dir). */
export async function startVersitygw(opts: { versioning?: boolean } = {}): Promise<PeerServer> {
  const dir = mkdtempSync(join('/dev/shm', 'versitygw-bench-'));
  const versions = opts.versioning ? mkdtempSync(join('/dev/shm', 'versitygw-versions-')) : undefined;
  const port = await freePort();
  const posix = versions ? ['posix', '--versioning-dir', versions, dir] : ['posix', dir];
  const child: ChildProcess = spawn(join(BIN, 'versitygw'), ['--access', ACCESS_KEY, '--secret', SECRET_KEY, '--port', `127.0.0.1:${port}`, '--region', REGION, ...posix], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      await fetch(endpoint);
      break;
    } catch {
      if (tries > 200 || child.exitCode !== null) throw new Error(`versitygw did not start on ${endpoint}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      if (versions) rmSync(versions, { recursive: true, force: true });
    },
  };
}

export type ClientName = 'blob' | 'aws-cli' | 's5cmd';
export const CLIENTS: readonly ClientName[] = ['blob', 'aws-cli', 's5cmd'];

/** What each client runs for a shape: [command, args]; `-` is stdin/stdout where the shape says so. */
export interface ClientCommands {
  put(file: string, url: string): [string, string[]];
  get(url: string, file: string): [string, string[]];
  putDir(dir: string, prefix: string): [string, string[]];
  getDir(prefix: string, dir: string): [string, string[]];
  putStdin(url: string): [string, string[]];
  getStdout(url: string): [string, string[]];
}

export function clientCommands(name: ClientName, endpoint: string): ClientCommands {
  if (name === 'blob') {
    const blob = (...args: string[]): [string, string[]] => [process.execPath, [join(ROOT, 'bin', 'blob.cjs'), '--quiet', ...args]];
    return {
      put: (file, url) => blob('put', file, url),
      get: (url, file) => blob('get', url, file),
      putDir: (dir, prefix) => blob('put-dir', dir, prefix),
      getDir: (prefix, dir) => blob('get-dir', prefix, dir),
      putStdin: (url) => blob('put', '-', url),
      getStdout: (url) => blob('get', url, '-'),
    };
  }
  if (name === 'aws-cli') {
    const aws = (...args: string[]): [string, string[]] => [join(ROOT, '.venv', 'bin', 'aws'), ['--endpoint-url', endpoint, '--only-show-errors', 's3', 'cp', ...args]];
    return {
      put: (file, url) => aws(file, url),
      get: (url, file) => aws(url, file),
      putDir: (dir, prefix) => aws('--recursive', dir, prefix),
      getDir: (prefix, dir) => aws('--recursive', prefix, dir),
      putStdin: (url) => aws('-', url),
      getStdout: (url) => aws(url, '-'),
    };
  }
  const s5 = (...args: string[]) => s5cmd(endpoint, ...args);
  return {
    put: (file, url) => s5('cp', file, url),
    get: (url, file) => s5('cp', url, file),
    putDir: (dir, prefix) => s5('cp', `${dir}/*`, prefix),
    getDir: (prefix, dir) => s5('cp', `${prefix}*`, `${dir}/`),
    putStdin: (url) => s5('pipe', url),
    getStdout: (url) => s5('cat', url),
  };
}

export function s5cmd(endpoint: string, ...args: string[]): [string, string[]] {
  return [join(BIN, 's5cmd'), ['--endpoint-url', endpoint, ...args]];
}

/** Environment all three clients read: the server's root credentials and region, no config files. */
export function clientEnv(endpoint: string, work: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * The plan bench/node-floor.cjs runs: presigned GET or PUT URLs (made here, outside the timing),
 * each with the local path it reads or writes.
 */
export async function floorPlan<T extends { key: string; path: string }>(endpoint: string, method: 'GET' | 'PUT', bucket: string, items: readonly T[]): Promise<Array<Omit<T, 'key'> & { url: string }>> {
  const s3 = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } });
  const command = (key: string) => (method === 'GET' ? new GetObjectCommand({ Bucket: bucket, Key: key }) : new PutObjectCommand({ Bucket: bucket, Key: key }));
  return Promise.all(items.map(async ({ key, ...rest }) => ({ ...rest, url: await getSignedUrl(s3, command(key), { expiresIn: 3600 }) })));
}

/** [command, args] for the floor client (plain node, no tsx); put-dir walks `dir` itself. */
export function nodeFloor(mode: 'get-file' | 'get-dir' | 'put-dir', planFile: string, dir?: string): [string, string[]] {
  return [process.execPath, [join(ROOT, 'bench', 'node-floor.cjs'), mode, planFile, ...(dir ? [dir] : [])]];
}

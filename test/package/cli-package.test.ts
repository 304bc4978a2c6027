import { spawn, spawnSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { useLocalStack } from '../support/local-stack';
import { run as runCommand, RunResult } from '../cli/blob-harness';

/**
 * Issue 18: the interface installs on a machine that has Node and nothing of this repository. The
 * package is built and packed exactly as a release would be (tools/pack-cli.mjs), installed from
 * the tarball into an empty prefix with npm --offline (no registry, no repository node_modules),
 * and the installed `blob` and `kvstore` run a smoke test against the local copy from a directory
 * outside the repository. The single executable (no Node on PATH at all) runs the same test.
 */
const ROOT = join(__dirname, '..', '..');
const stack = useLocalStack({ fixture: true });

interface Built {
  readonly version: string;
  readonly tarball: string;
  readonly unpackedSize: number;
  readonly externals: readonly string[];
  readonly startup: Record<string, { readonly bytes: number; readonly packages: readonly string[] }>;
  readonly sea: { readonly executable: string };
}

let built: Built;
let work: string;
let prefix: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cli-package-'));
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'pack-cli.mjs'), '--pack', work, '--sea', join(work, 'sea')], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`pack-cli failed: ${r.stderr}`);
  built = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Built;
  prefix = join(work, 'prefix');
  const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--cache', join(work, 'npm-cache'), '--offline', '--no-audit', '--no-fund', built.tarball], {
    encoding: 'utf8',
    cwd: work,
  });
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
}, 180_000);

// The work directory holds a ~100 MB single executable: never leave it behind.
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Only what an agent's sandbox has: the installed commands (and for the package, Node). */
function sandboxEnv(path: string): Record<string, string> {
  const s = stack();
  return { ...s.awsEnv, PATH: path, HOME: work, BLOB_ENV: 'dev', AWS_EC2_METADATA_DISABLED: 'true' };
}

function run(cmd: string, args: readonly string[], env: Record<string, string>): Promise<RunResult> {
  return runCommand(cmd, args, { env, cwd: work, isolated: true });
}

describe('the published package (packages/cli)', () => {
  test('declares no dependencies and ships prebuilt bundles only: no sources, no build step at run time', () => {
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', '@agent-blob', 'cli', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.scripts).toBeUndefined();
    // npm installed exactly one package: nothing else under the prefix's node_modules.
    expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual(['@agent-blob']);
    const files = listFiles(join(prefix, 'lib', 'node_modules', '@agent-blob', 'cli'));
    expect(files.filter((f) => /\.ts$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['bin/blob.cjs', 'bin/kvstore.cjs', 'bin/blob-mcp.cjs', 'dist/blob.mjs', 'dist/kvstore.mjs', 'README.md']));
  });

  test('the package version is the CLI version: --version from the installed binaries', async () => {
    const env = sandboxEnv(`${join(prefix, 'bin')}:${dirname(process.execPath)}`);
    for (const cmd of ['blob', 'kvstore']) {
      const r = await run(join(prefix, 'bin', cmd), ['--version'], env);
      expect({ cmd, code: r.code, out: r.stdout.trim() }).toEqual({ cmd, code: 0, out: built.version });
    }
  });
});

test('start-up loads commander and the command table only: the SDK arrives when a command needs it', () => {
  // From the metafile: the chunks each command's entry imports statically. A static import of the
  // SDK anywhere on that path (it happened twice: env-resolve's SSM client, kvstore's error classes)
  // would make every `--help` and usage error pay for it.
  for (const name of ['blob', 'kvstore']) expect({ name, packages: built.startup[name]?.packages }).toEqual({ name, packages: ['commander'] });
});

// The same smoke test for both forms: what a platform team runs after baking the CLI into an image.
describe.each([
  ['npm package (installed from the tarball)', () => ({ bin: join(prefix, 'bin'), path: `${join(prefix, 'bin')}:${dirname(process.execPath)}` })],
  ['single executable (no Node on PATH)', () => ({ bin: join(work, 'sea'), path: join(work, 'sea') })],
])('%s: smoke test against the local copy', (_form, where) => {
  test('put, get, list, presign, kvstore inc', async () => {
    const { bin, path } = where();
    const env = sandboxEnv(path);
    const blob = join(bin, 'blob');
    const kvstore = join(bin, 'kvstore');
    const key = `sessions/package-smoke/${createHash('sha1').update(bin).digest('hex').slice(0, 8)}.json`;
    const body = JSON.stringify({ findings: [1, 2, 3] });
    const file = join(work, `${key.replace(/\W/g, '_')}`);
    writeFileSync(file, body);

    const put = await run(blob, ['put', file, key, '--metadata', 'agent=smoke'], env);
    expect({ code: put.code, stderr: put.stderr }).toEqual({ code: 0, stderr: '' });
    const get = await run(blob, ['get', key, '-'], env);
    expect(get.code).toBe(0);
    expect(get.stdout).toBe(body);
    const list = await run(blob, ['list', 'sessions/package-smoke/', '--format', 'keys'], env);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toContain(key);
    const presign = await run(blob, ['presign', key, '--expires', '5m'], env);
    expect(presign.code).toBe(0);
    const url = presign.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*X-Amz-Signature=/);
    expect(await (await fetch(url)).text()).toBe(body);
    const counter = `smoke/package-${createHash('sha1').update(bin).digest('hex').slice(0, 8)}`;
    const inc1 = await run(kvstore, ['inc', counter], env);
    const inc2 = await run(kvstore, ['inc', counter], env);
    expect([inc1.code, inc2.code]).toEqual([0, 0]);
    expect(JSON.parse(inc2.stdout)).toEqual(expect.objectContaining({ value: 2 }));
  }, 60_000);

  test('blob-mcp serves MCP over stdio: initialize, then tools/list names the storage tools', async () => {
    const { bin, path } = where();
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'package-smoke', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ];
    const r = await runUntil(join(bin, 'blob-mcp'), [], sandboxEnv(path), messages.map((m) => JSON.stringify(m)).join('\n') + '\n', (out) => out.includes('"id":2'));
    const replies = r.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id?: number; result?: { tools?: { name: string }[] } });
    const tools = replies.find((m) => m.id === 2)?.result?.tools?.map((t) => t.name) ?? [];
    expect(tools).toEqual(expect.arrayContaining(['put', 'get', 'list', 'kv_inc']));
  }, 30_000);
});

/** Feeds stdin, keeps it open (an MCP server exits when its input ends) until stdout satisfies done. */
function runUntil(cmd: string, args: readonly string[], env: Record<string, string>, input: string, done: (stdout: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} gave no complete answer: ${out} ${err}`));
    }, 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (done(out)) {
        clearTimeout(timer);
        child.stdin.end();
        child.kill('SIGTERM');
        resolve(out);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.stdin.write(input);
  });
}

test('no file of the repository is needed: the bundles import nothing at run time but Node built-ins', () => {
  // From esbuild's metafile: every import left external in the package's bundles. The SDK's two
  // optional signers are probed inside try/catch and only for SigV4a (multi-region access points),
  // which no command uses; anything else here would fail on a machine without this repository.
  const OPTIONAL_SDK_PROBES = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];
  const notBuiltin = built.externals.filter((m) => !isBuiltin(m) && !OPTIONAL_SDK_PROBES.includes(m));
  expect(notBuiltin).toEqual([]);
  expect(existsSync(join(prefix, 'lib', 'node_modules', '@agent-blob', 'cli', 'node_modules'))).toBe(false);
});

function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

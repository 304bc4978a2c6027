import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BenchScenario } from '../types';
import { timeRuns } from '../stats';

/**
 * The installed interface (issue 18): packs packages/cli as a release would, installs the tarball
 * into an empty prefix, and reports the tarball and installed sizes and the start-up time of the
 * installed `blob --help`, `kvstore --help` and `blob --version`, against `node -e 0` measured in
 * the same run (the floor any Node CLI pays), plus the single executable's size and start-up.
 */
const ROOT = join(__dirname, '..', '..');
/** Two uncounted runs warm the page cache; start-up figures to a tenth of a millisecond. */
const WARM = { warmup: 2, decimals: 1 };

function treeSize(p: string): number {
  const st = statSync(p);
  return st.isDirectory() ? readdirSync(p).reduce((sum, e) => sum + treeSize(join(p, e)), 0) : st.size;
}

const scenario: BenchScenario = {
  name: 'cli-package',
  description: 'installed @agent-blob/cli: tarball and installed size, --help start-up vs node -e 0; single executable size and start-up',
  async run({ quick, log }) {
    const work = mkdtempSync(join(tmpdir(), 'bench-cli-package-'));
    try {
      const packed = spawnSync(process.execPath, [join(ROOT, 'tools', 'pack-cli.mjs'), '--pack', work, '--sea', join(work, 'sea')], { encoding: 'utf8' });
      if (packed.status !== 0) throw new Error(`pack-cli failed: ${packed.stderr}`);
      const info = JSON.parse(packed.stdout.trim().split('\n').pop()!) as {
        version: string;
        tarball: string;
        size: number;
        unpackedSize: number;
        sea: { bytes: number };
        startup: Record<string, { bytes: number }>;
      };
      const prefix = join(work, 'prefix');
      const inst = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--cache', join(work, 'cache'), '--offline', '--no-audit', '--no-fund', info.tarball], { encoding: 'utf8' });
      if (inst.status !== 0) throw new Error(`npm install failed: ${inst.stderr}`);
      const env = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, HOME: work };
      const n = quick ? 10 : 30;
      const nodeFloor = timeRuns(n, process.execPath, ['-e', '0'], env, WARM);
      const blobHelp = timeRuns(n, join(prefix, 'bin', 'blob'), ['--help'], env, WARM);
      const kvHelp = timeRuns(n, join(prefix, 'bin', 'kvstore'), ['--help'], env, WARM);
      const blobVersion = timeRuns(n, join(prefix, 'bin', 'blob'), ['--version'], env, WARM);
      const seaHelp = timeRuns(n, join(work, 'sea', 'blob'), ['--help'], { PATH: join(work, 'sea'), HOME: work }, WARM);
      const installed = treeSize(join(prefix, 'lib', 'node_modules'));
      log(`blob --help ${blobHelp} ms (node -e 0: ${nodeFloor} ms), installed ${(installed / 1e6).toFixed(2)} MB`);
      return {
        version: info.version,
        tarballBytes: info.size,
        installedBytes: installed,
        dependencies: readdirSync(join(prefix, 'lib', 'node_modules')),
        startupMs: { nodeFloor, blobHelp, kvstoreHelp: kvHelp, blobVersion, seaBlobHelp: seaHelp },
        blobHelpOverNodeFloorMs: Math.round((blobHelp - nodeFloor) * 10) / 10,
        /** Bytes of bundle each command parses before it runs anything (its static import closure). */
        startupBundleBytes: { blob: info.startup.blob?.bytes, kvstore: info.startup.kvstore?.bytes },
        seaBytes: info.sea.bytes,
        runs: n,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default scenario;

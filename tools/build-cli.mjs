// Bundles the CLIs with esbuild into dist/<name>.cjs: one file each, so `blob` starts without
// resolving thousands of node_modules files. bin/<name>.cjs calls this when dist is missing or
// stale; `npm run build` calls it directly. Entries whose source does not exist yet are skipped.
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRIES = { blob: 'cli/blob/main.ts', kvstore: 'cli/kvstore/main.ts' };

export async function buildCli(names = Object.keys(ENTRIES)) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const built = [];
  for (const name of names) {
    const entry = join(root, ENTRIES[name]);
    if (!existsSync(entry)) continue;
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'error',
    });
    // Written to a temporary name and renamed: concurrent first runs never execute a half file.
    const out = join(root, 'dist', `${name}.cjs`);
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, result.outputFiles[0].contents);
    renameSync(tmp, out);
    built.push(out);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = process.argv.slice(2).filter((a) => a in ENTRIES);
  await buildCli(only.length ? only : undefined);
}

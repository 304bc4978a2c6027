// Builds the installable form of the interface (packages/cli, published as @agent-blob/cli):
//   node tools/pack-cli.mjs                 prebuilt bundles into packages/cli/dist/
//   node tools/pack-cli.mjs --pack DIR      … and `npm pack` the package into DIR
//   node tools/pack-cli.mjs --sea DIR       … and a single executable DIR/blob (+ DIR/kvstore link)
// Prints one JSON line describing what it wrote. The package declares no dependencies: the bundles
// carry everything the commands load (AWS SDK, commander, parsers), built with the same esbuild
// options as the development build (tools/build-cli.mjs), so the installed CLI runs the tested code.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions, ENTRIES } from './build-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_DIR = join(root, 'packages', 'cli');
/** Node's documented fuse for single executable applications (nodejs.org/api/single-executable-applications.html). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export function packageManifest() {
  return JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
}

/** The entries whose sources exist; each must have a bin in the package (a command nobody can call is a bug). */
function entries() {
  const manifest = packageManifest();
  const present = Object.fromEntries(Object.entries(ENTRIES).filter(([, src]) => existsSync(join(root, src))));
  for (const name of Object.keys(present)) {
    if (!manifest.bin?.[name]) throw new Error(`packages/cli/package.json has no bin for "${name}" (add "${name}": "bin/${name}.cjs")`);
    if (!existsSync(join(PACKAGE_DIR, manifest.bin[name]))) throw new Error(`packages/cli/${manifest.bin[name]} is missing`);
  }
  return Object.fromEntries(Object.entries(present).map(([name, src]) => [name, join(root, src)]));
}

/** One esbuild run over every entry, so blob and kvstore share their chunks (the SDK once, not twice). */
export async function buildPackage() {
  const dist = join(PACKAGE_DIR, 'dist');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const { metafile } = await build({ ...bundleOptions(entries(), dist), metafile: true });
  // What the bundles still import at run time: must be Node built-ins (checked by the package test).
  const externals = new Set();
  for (const output of Object.values(metafile.outputs)) for (const i of output.imports) if (i.external) externals.add(i.path);
  return { dist, bytes: treeSize(dist), externals: [...externals].sort(), startup: startupClosure(metafile) };
}

export function packTarball(dest) {
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', resolve(dest)], { cwd: PACKAGE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out);
  return { tarball: join(resolve(dest), info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.entryCount };
}

/**
 * A Node single executable application: the commands as one CommonJS file (SEA runs CommonJS and
 * can require built-ins only, so no code splitting) injected into a copy of this Node binary.
 */
export async function buildSea(dest) {
  mkdirSync(dest, { recursive: true });
  const work = join(dest, '.sea-build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const main = join(work, 'main.cjs');
  const options = bundleOptions({}, work);
  delete options.entryPoints;
  delete options.outdir;
  delete options.outExtension;
  delete options.banner;
  // A SEA's main script has no dynamic-import callback: import('node:http') would throw there, so
  // esbuild lowers every import() to require() (built-ins only remain external).
  await build({ ...options, entryPoints: [join(root, 'cli', 'multicall.ts')], format: 'cjs', splitting: false, supported: { 'dynamic-import': false }, outfile: main });
  const config = join(work, 'sea-config.json');
  const blobPrep = join(work, 'sea-prep.blob');
  writeFileSync(config, JSON.stringify({ main, output: blobPrep, disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exe = join(dest, 'blob');
  rmSync(exe, { force: true });
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  // postject warns about ELF note sections it does not rewrite; those warnings are harmless noise.
  execFileSync(process.execPath, [postject, exe, 'NODE_SEA_BLOB', blobPrep, '--sentinel-fuse', SEA_FUSE], { stdio: 'ignore' });
  // Every other command of the package (kvstore, blob-mcp) is a link the binary recognises by name.
  for (const name of Object.keys(packageManifest().bin)) {
    if (name === 'blob') continue;
    const link = join(dest, name);
    rmSync(link, { force: true });
    symlinkSync('blob', link);
  }
  rmSync(work, { recursive: true, force: true });
  return { executable: exe, bytes: statSync(exe).size };
}

/**
 * What each command loads before it runs anything: the chunks its entry imports statically, their
 * bytes and the packages in them. Everything else (the AWS SDK above all) must arrive through
 * import() when a command needs it, so `--help` and usage errors stay fast.
 */
function startupClosure(metafile) {
  const outputs = metafile.outputs;
  const result = {};
  for (const [path, output] of Object.entries(outputs)) {
    if (!output.entryPoint) continue;
    const name = path.replace(/^.*\//, '').replace(/\.mjs$/, '');
    const seen = new Set();
    const todo = [path];
    while (todo.length) {
      const o = todo.pop();
      if (seen.has(o)) continue;
      seen.add(o);
      for (const i of outputs[o].imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
    }
    const packages = new Set();
    for (const o of seen) for (const input of Object.keys(outputs[o].inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (m) packages.add(m[1]);
    }
    result[name] = { bytes: [...seen].reduce((sum, o) => sum + outputs[o].bytes, 0), packages: [...packages].sort() };
  }
  return result;
}

function treeSize(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((sum, e) => sum + treeSize(join(p, e)), 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const result = { version: packageManifest().version, ...(await buildPackage()) };
  const packDir = flag('--pack');
  if (packDir) Object.assign(result, packTarball(packDir));
  const seaDir = flag('--sea');
  if (seaDir) Object.assign(result, { sea: await buildSea(seaDir) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

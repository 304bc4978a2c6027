#!/usr/bin/env node
'use strict';
// Runs dist/<name>.cjs (the loader of the current esbuild build), (re)building it first when
// missing or older than any source under cli/ or core/ (the CLIs import nothing else of this
// repo), so `npx blob` works on a fresh clone without a build step. The mtime walk costs a few
// milliseconds.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const SOURCES = ['cli', 'core', path.join('tools', 'build-cli.mjs'), path.join('packages', 'cli', 'package.json')];

function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, e)));
  return max;
}

function launch(name) {
  const out = path.join(root, 'dist', `${name}.cjs`);
  let built = 0;
  try {
    built = fs.statSync(out).mtimeMs;
  } catch {
    /* not built yet */
  }
  if (!built || SOURCES.some((s) => newest(path.join(root, s)) > built)) {
    const res = require('node:child_process').spawnSync(process.execPath, [path.join(root, 'tools', 'build-cli.mjs'), name], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (res.status !== 0 || !fs.existsSync(out)) {
      process.stderr.write(`${name}: error: building ${path.relative(process.cwd(), out)} failed (run npm run build to see why)\n`);
      process.exit(1);
    }
  }
  require(out);
}

module.exports = { launch };
if (require.main === module) launch('blob');

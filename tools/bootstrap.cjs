#!/usr/bin/env node
// First step of `npm test`, `npm run local` and `npm run demo`: makes a fresh clone runnable with
// no other command. Installs node_modules (npm ci) when missing or older than package-lock.json,
// then the project-local Python virtualenv (tools/ensure-venv.sh). Plain Node, no dependencies,
// because it runs before any are installed. Quiet when everything is already in place.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

try {
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
    console.error('installing node_modules (npm ci; first run only)...');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  run('bash', [join(root, 'tools', 'ensure-venv.sh')]);
} catch (err) {
  console.error(`bootstrap failed: ${err.message}`);
  console.error('fix the cause above (network access to the npm registry and PyPI, python3 with venv), then run the command again');
  process.exit(3);
}

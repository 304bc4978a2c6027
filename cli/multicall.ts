import { basename } from 'node:path';

/**
 * Entry point of the single executable (tools/pack-cli.mjs --sea): one binary serves every
 * command, chosen by the name it was invoked as (`blob`, or a `kvstore` link to it) — the way
 * busybox does — so an image carries one ~100 MB Node runtime, not one per command. Only the chosen
 * command's module is loaded: each main runs on import.
 */
const invokedAs = basename(process.argv0 || process.argv[1] || 'blob').replace(/\.exe$/i, '');

if (invokedAs === 'kvstore') void import('./kvstore/main');
else {
  // `blob-mcp` is `blob mcp`, as bin/blob-mcp.cjs does for the npm package.
  if (invokedAs === 'blob-mcp') process.argv.splice(2, 0, 'mcp');
  void import('./blob/main');
}

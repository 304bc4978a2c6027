'use strict';
// Runs a prebuilt bundle from ../dist/ (ESM chunks written by tools/pack-cli.mjs). The package has
// no dependencies and no build step at run time: everything the commands need is in dist/.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

module.exports = function launch(name) {
  import(pathToFileURL(join(__dirname, '..', 'dist', `${name}.mjs`)).href).catch((err) => {
    process.stderr.write(`${name}: error: cannot load its bundle: ${err.message} (reinstall the package)\n`);
    process.exit(1);
  });
};

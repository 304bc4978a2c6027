#!/usr/bin/env node
'use strict';
// `blob-mcp [options]` is `blob mcp [options]`, for MCP client configurations that name one
// executable: the same build-if-stale launcher and bundle as bin/blob.cjs.
process.argv.splice(2, 0, 'mcp');
require('./blob.cjs').launch('blob');

#!/usr/bin/env node
'use strict';
// `blob-mcp [options]` is `blob mcp [options]`, for MCP client configurations that name one executable.
process.argv.splice(2, 0, 'mcp');
require('./launch.cjs')('blob');

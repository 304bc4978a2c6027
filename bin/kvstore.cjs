#!/usr/bin/env node
'use strict';
// The kvstore twin of bin/blob.cjs: same build-if-stale launcher, other bundle.
require('./blob.cjs').launch('kvstore');

#!/usr/bin/env node
'use strict';
// Entry point of the `shakedown` command. The TypeScript sources compile to dist/ (npm ci runs
// `prepare`, which builds); modules import each other as `src/...`, so dist/ is put on the
// module search path here, and child processes (workers, labs) inherit it through NODE_PATH.
const path = require('node:path');
const fs = require('node:fs');
const dist = path.join(__dirname, '..', 'dist');
const entry = path.join(dist, 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('shakedown: not built yet; run `npm run build` (npm ci does it) in ' + path.dirname(__dirname));
  process.exit(1);
}
process.env.NODE_PATH = [dist, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
require('node:module').Module._initPaths();
require(entry);

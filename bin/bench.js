#!/usr/bin/env node
'use strict';
// `npm run bench -- NAME` runs the compiled bench/NAME.ts (see bin/shakedown.js for the module path).
const path = require('node:path');
const fs = require('node:fs');
const dist = path.join(__dirname, '..', 'dist');
const name = process.argv[2];
const file = name && path.join(dist, 'bench', `${name}.js`);
if (!file || !fs.existsSync(file)) {
  console.error(`usage: npm run bench -- NAME   (bench/NAME.ts; found: ${fs.readdirSync(path.join(__dirname, '..', 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).join(', ') || 'none'})`);
  process.exit(2);
}
process.env.NODE_PATH = [dist, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
require('node:module').Module._initPaths();
process.argv.splice(2, 1);
require(file);

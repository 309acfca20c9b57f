#!/usr/bin/env node
// tsc compiles only TypeScript; data files that code loads next to itself (the simulated lab's
// default configuration, …) are copied into dist/ with the same layout.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const ASSET = /\.(ya?ml|json|txt|sql)$/;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSET.test(name)) {
      const target = join(root, 'dist', relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
    }
  }
};
walk(join(root, 'src'));

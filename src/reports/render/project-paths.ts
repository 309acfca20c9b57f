import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

/**
 * The repository root (where `views/` and `public/` live), found from this file whether it runs
 * from `src/` (tests) or `dist/src/` (the built command).
 */
function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!existsSync(join(dir, 'views')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the views/ folder above ${__dirname}`);
    dir = parent;
  }
  return (root = dir);
}

export const viewsDir = (): string => join(projectRoot(), 'views');
export const publicDir = (): string => join(projectRoot(), 'public');

/** Chart.js's UMD build, from node_modules (never a CDN: the pages must work offline). */
export function chartJsFile(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

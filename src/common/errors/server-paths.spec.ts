import { join, resolve } from 'node:path';
import { withoutServerPaths, withoutServerPathsDeep } from 'src/common/errors/server-paths';

describe('withoutServerPaths', () => {
  const root = process.cwd();

  it('should make paths under the project folder relative, wherever they stand in the text', () => {
    const file = join(root, 'campaigns', 'demo.yaml');
    expect(withoutServerPaths(`${file}:3:7: unknown key`)).toBe('./campaigns/demo.yaml:3:7: unknown key');
    expect(withoutServerPaths(`EISDIR: illegal operation on a directory, read '${root}'`)).toBe(
      "EISDIR: illegal operation on a directory, read '.'",
    );
  });

  it('should leave a longer name that merely starts like the project folder, and remote paths, alone', () => {
    expect(withoutServerPaths(`${root}-old/x and /root/.ssh/id and /tmp/fio.json`)).toBe(
      `${root}-old/x and /root/.ssh/id and /tmp/fio.json`,
    );
  });

  it('should name the data folder as <data> before the project folder it lies in', () => {
    const saved = process.env.SHAKEDOWN_DATA_DIR;
    process.env.SHAKEDOWN_DATA_DIR = join(root, '.shakedown');
    try {
      expect(withoutServerPaths(resolve(root, '.shakedown', 'artifacts', 'ab'))).toBe('<data>/artifacts/ab');
    } finally {
      if (saved === undefined) delete process.env.SHAKEDOWN_DATA_DIR;
      else process.env.SHAKEDOWN_DATA_DIR = saved;
    }
  });

  it('should rewrite every string inside plain objects and arrays, keeping other values', () => {
    const when = new Date(0);
    const value = {
      message: `${root}/a`,
      details: { problems: [{ path: 'campaign', file: `${root}/b` }], n: 3, when },
    };
    expect(withoutServerPathsDeep(value)).toEqual({
      message: './a',
      details: { problems: [{ path: 'campaign', file: './b' }], n: 3, when },
    });
  });
});

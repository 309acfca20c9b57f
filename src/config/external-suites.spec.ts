import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from 'src/config/config';
import { childEnvironment } from 'src/scenarios/external/run-pytest';
import { loadExternalSuites } from 'src/config/external-suites';

describe('external suites declared by the operator', () => {
  const root = mkdtempSync(join(tmpdir(), 'shakedown-suites-'));
  const folder = join(root, 'xcp-ng-tests');
  mkdirSync(folder, { mode: 0o755 });

  it('reads a YAML file with defaults', () => {
    const file = join(root, 'suites.yaml');
    writeFileSync(file, `- name: xcp-ng-tests\n  folder: ${folder}\n  allow: [tests]\n`);
    const suite = loadExternalSuites(file).get('xcp-ng-tests');
    expect(suite).toEqual({
      name: 'xcp-ng-tests',
      folder,
      interpreter: 'python3',
      args: [],
      passwordEnv: 'SHAKEDOWN_HOST_PASSWORD',
      passEnv: [],
      allow: { tests: true, keyword: false, markers: false },
    });
  });

  it.each([
    [[{ name: 'x', folder: 'relative' }], /folder: an absolute path/],
    [[{ name: 'x', folder, shell: 'bash' }], /Unrecognized key/],
    [[{ name: 'x', folder: join(root, 'missing') }], /is not a directory/],
    [[{ name: 'x', folder, interpreter: 'python3; id' }], /interpreter/],
    [
      [
        { name: 'x', folder },
        { name: 'x', folder },
      ],
      /declared twice/,
    ],
  ])('refuses %j at boot, naming the variable', (suites, why) => {
    expect(() => AppConfig.fromEnv({ SHAKEDOWN_EXTERNAL_SUITES: JSON.stringify(suites) })).toThrow(
      /SHAKEDOWN_EXTERNAL_SUITES/,
    );
    expect(() => loadExternalSuites(JSON.stringify(suites))).toThrow(why);
  });

  it('refuses a world-writable folder: anyone could drop a conftest.py there', () => {
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => loadExternalSuites(JSON.stringify([{ name: 'x', folder: open }]))).toThrow(/world-writable/);
  });

  it('refuses a suite that overlaps the data folder, where uploads are stored', () => {
    const env = {
      SHAKEDOWN_EXTERNAL_SUITES: JSON.stringify([{ name: 'x', folder: root }]),
      SHAKEDOWN_DATA_DIR: folder,
    };
    expect(() => AppConfig.fromEnv(env)).toThrow(/overlaps SHAKEDOWN_DATA_DIR/);
  });

  it('hands the child only the allow-listed environment, the listed variables and what Shakedown passes', () => {
    const [suite] = loadExternalSuites(JSON.stringify([{ name: 'x', folder, pass_env: ['HTTP_PROXY'] }])).values();
    const env = childEnvironment(
      suite!,
      { SHAKEDOWN_HOST_PASSWORD: 'pw' },
      { PATH: '/bin', HOME: '/root', HTTP_PROXY: 'p', SHAKEDOWN_ADMIN_TOKEN: 't', DATABASE_URL: 'postgres://x' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/root',
      HTTP_PROXY: 'p',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONNOUSERSITE: '1',
      SHAKEDOWN_HOST_PASSWORD: 'pw',
    });
  });
});

import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseJunitXml } from 'src/results/junit/junit-import';
import type { JunitCase } from 'src/results/junit/junit-types';

/**
 * Runs XCP-ng's own test suite (xcp-ng-tests), unmodified, as a real client would: OpenSSH on PATH,
 * data.py from its data.py-dist, a git checkout (a fixture reads its revision), pytest of the machine.
 * Only the harness lives here; nothing of the suite is copied into the project.
 */

/** Debian packages the suite imports that the machine's Python lacks (python3-git, -passlib, -pytest-dependency). */
const DEBIAN_DIST_PACKAGES = '/usr/lib/python3/dist-packages';
const DEBIAN_MODULES =
  /^(git|gitdb|smmap|passlib|pytest_dependency)(\.py|-[^/]*\.(dist|egg)-info)?$|^GitPython-.*\.dist-info$/;

export interface SuiteWorkspace {
  /** the suite's copy, a fresh git repository: pytest's working directory */
  suiteDir: string;
  env: NodeJS.ProcessEnv;
  python: string;
}

/**
 * `ping` on the runner, answered by the lab's simulated network (POST /ping of its control API): every
 * lab address is a loopback address, whose kernel answers any ICMP echo itself, so a real ping would
 * reach a halted guest or one whose locked VIF drops the reply. Marked simulated in what it prints
 * when the lab cannot be asked.
 */
function writeLabPing(bin: string, controlUrl: string): void {
  const script = join(bin, 'ping.cjs');
  writeFileSync(
    script,
    `const argv = process.argv.slice(2);
fetch(${JSON.stringify(`${controlUrl}/ping`)}, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ argv }),
})
  .then((r) => r.json())
  .then((r) => {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? (r.error ? 'ping (simulated network): ' + r.error + '\\n' : ''));
    process.exitCode = typeof r.exit_code === 'number' ? r.exit_code : 2;
  })
  .catch((e) => {
    process.stderr.write('ping (simulated network): the lab does not answer: ' + e.message + '\\n');
    process.exitCode = 2;
  });
`,
  );
  writeFileSync(join(bin, 'ping'), `#!/bin/sh\nexec '${process.execPath}' '${script}' "$@"\n`);
  chmodSync(join(bin, 'ping'), 0o755);
}

/**
 * The Python 3.11 of the machine image by its real path (pyenv's shim re-resolves on every call),
 * with only the three Debian packages added: the whole dist-packages folder would shadow its pytest 9
 * with Debian's pytest 7.
 */
export function prepareWorkspace(opts: {
  suiteSource: string;
  root: string;
  keyFile: string;
  rootPassword: string;
  /** the lab's control API (inventory control_url): the runner's `ping` asks its simulated network */
  controlUrl: string;
}): SuiteWorkspace {
  const { root } = opts;
  const python =
    process.env.XCPNG_TESTS_PYTHON ??
    execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

  const pyDeps = join(root, 'pydeps');
  mkdirSync(pyDeps);
  for (const name of readdirSync(DEBIAN_DIST_PACKAGES)) {
    if (DEBIAN_MODULES.test(name)) symlinkSync(join(DEBIAN_DIST_PACKAGES, name), join(pyDeps, name));
  }

  // OpenSSH with the lab's key for every address, no host-key prompt: ssh/scp/sftp wrappers first on PATH.
  const home = join(root, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const sshConfig = join(home, '.ssh', 'config');
  writeFileSync(
    sshConfig,
    [
      'Host *',
      '  User root',
      '  Port 22',
      `  IdentityFile ${opts.keyFile}`,
      '  IdentitiesOnly yes',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile /dev/null',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  // The suite's ControlPath is ~/.ssh/control-…: OpenSSH expands ~ from the password database, not
  // from HOME, so the user's real ~/.ssh must exist (an empty folder is all it needs).
  mkdirSync(join(userInfo().homedir, '.ssh'), { recursive: true, mode: 0o700 });
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const tool of ['ssh', 'scp', 'sftp']) {
    const wrapper = join(bin, tool);
    writeFileSync(wrapper, `#!/bin/sh\nexec /usr/bin/${tool} -F '${sshConfig}' "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  writeLabPing(bin, opts.controlUrl);

  const suiteDir = join(root, 'xcp-ng-tests');
  cpSync(opts.suiteSource, suiteDir, { recursive: true, filter: (src) => !/\/(\.git|__pycache__)$/.test(src) });
  const dist = readFileSync(join(suiteDir, 'data.py-dist'), 'utf8');
  const withPassword = dist.replace(
    /^HOST_DEFAULT_PASSWORD = ""$/m,
    `HOST_DEFAULT_PASSWORD = ${JSON.stringify(opts.rootPassword)}`,
  );
  if (withPassword === dist) throw new Error('data.py-dist: no HOST_DEFAULT_PASSWORD = "" line to fill in');
  // the bond tests need two NICs nothing else uses: the conformance lab gives its 8.3 hosts eth0..eth3
  const withNics = withPassword.replace(
    /^HOST_FREE_NICS: list\[str\] = \[\]$/m,
    "HOST_FREE_NICS: list[str] = ['eth2', 'eth3']",
  );
  writeFileSync(join(suiteDir, 'data.py'), withNics); // data.py is in the suite's .gitignore
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=shakedown', '-c', 'user.email=shakedown@localhost', ...args], {
      cwd: suiteDir,
      stdio: 'ignore',
    });
  };
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'xcp-ng-tests as found in XCPNG_TESTS_DIR');

  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    PYTHONPATH: pyDeps,
    PYTHONDONTWRITEBYTECODE: '1',
    LANG: 'C.UTF-8',
  };
  return { suiteDir, env, python };
}

/** Runs pytest to completion; its whole output goes to `logFile` (the suite logs every command at debug level). */
export function runPytest(ws: SuiteWorkspace, args: string[], logFile: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, 'w');
    const child = spawn(ws.python, ['-m', 'pytest', ...args], {
      cwd: ws.suiteDir,
      env: ws.env,
      stdio: ['ignore', out, out],
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

/** The folder of a case's file: `tests/misc` of `tests/misc/test_x.py::test_y`. */
export function folderOf(id: string): string {
  const parts = id.split('::')[0]!.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** The cases of pytest's JUnit report, read by the product's own JUnit import (fixture errors → infra-error). */
export function readJunit(file: string): JunitCase[] {
  return existsSync(file) ? parseJunitXml(readFileSync(file, 'utf8'), { source: file }).cases : [];
}

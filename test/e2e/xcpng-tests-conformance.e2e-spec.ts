import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { startCli, LongRunning, ROOT } from 'test/utils/cli';
import { folderOf, prepareWorkspace, readJunit, runPytest, SuiteWorkspace } from 'test/utils/xcpng-suite';
import type { LabInventoryJson } from 'src/simulator/lab/lab-inventory';

/**
 * Conformance: XCP-ng's own test suite (xcp-ng-tests, unmodified, from XCPNG_TESTS_DIR) against
 * `shakedown lab up` over OpenSSH, on the 8.3 pool. It prints passed/collected per folder and fails
 * when the share of passing tests falls below the floor measured when this test was written.
 * Opt-in: without XCPNG_TESTS_DIR it is skipped, and says so.
 */
const SUITE = process.env.XCPNG_TESTS_DIR;

/** The folders issue 14 names; the rest of the suite needs hardware or guests the lab does not model. */
const FOLDERS = [
  'tests/misc',
  'tests/system',
  'tests/xapi',
  'tests/network',
  'tests/packages',
  'tests/xapi_plugins',
  'tests/security',
];

/**
 * Tests that download from the internet on the runner or on the host: this machine reaches nothing
 * outside loopback, and nothing may try. Deselected, not counted.
 */
const DESELECTED = [
  'tests/misc/test_access_links.py', // fetches XCP-ng's public web links
  'tests/packages/extra', // installs extra packages from XCP-ng's public repositories
  'tests/packages/linux_image', // installs a kernel from XCP-ng's public repositories
];

/**
 * Share of collected tests that must pass: what was measured last (see src/simulator/README.md,
 * which lists every test that still fails and why). 40/58 on 2026-12-03 (SFTP, xapi's listeners, background processes, dom0 tools);
 * 41/58 with an image imported per module (`--vm=<url>`); 51/58 with dom0's file 5.11, netdata-ui
 * and netdata's listener, and the guests' network tools;
 * 54/58 with the simulated network (ping, VIF locking, bonds, tcpdump).
 */
const FLOOR = 54 / 58;

// Not 127.10/127.20 of the default lab: port 22 must be free on these addresses even when another
// lab of the default config runs on this machine.
const ADDRESS_BASE = '127.62';
const GUEST_ADDRESS_BASE = '127.63';
/** A halted Linux VM of the 8.3 pool of the default lab: exported once, it is the image every module imports. */
const HALTED_LINUX_VM = 'debian10-carried-over-830';
/**
 * Where the image is served, as a tester's image server serves alpine-minimal-*.xva: the lab has no
 * PXE server, so the master's own web root (xapi's fileserver, https) holds it. Given `--vm=<url>`,
 * the suite's `imported_vm` fixture imports a fresh VM per module and destroys it after, so a module
 * that leaves its VM running (`started_vm` has no teardown) does not leak it into the next.
 */
const IMAGE_PATH = '/opt/xensource/www/images/linux-bios.xva';

const maybe = SUITE ? describe : describe.skip;
if (!SUITE) {
  console.log(
    'xcp-ng-tests conformance skipped: XCPNG_TESTS_DIR is not set (.ci/run sets it when ../shared/xcp-ng-tests exists)',
  );
}

maybe('xcp-ng-tests against the simulated lab', () => {
  let root: string;
  let lab: LongRunning;
  let inventory: LabInventoryJson;
  let ws: SuiteWorkspace;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shakedown-xcpng-tests-'));
    const config = join(root, 'lab.yaml');
    const defaults = readFileSync(join(ROOT, 'src', 'simulator', 'labs', 'default-lab.yaml'), 'utf8');
    writeFileSync(
      config,
      defaults
        .replace(/^address_base: .*$/m, `address_base: "${ADDRESS_BASE}"`)
        .replace(/^guest_address_base: .*$/m, `guest_address_base: "${GUEST_ADDRESS_BASE}"`)
        // four NICs on the 8.3 hosts: eth2 and eth3 are the free NICs the bond tests take (data.py HOST_FREE_NICS)
        .replace(/^( {2}- name: pool-830\n)/m, '$1    nics: 4\n'),
    );
    lab = startCli(
      ['lab', 'up', '--config', config, '--port', '22', '--speed', '100', '--state-dir', join(root, 'sim')],
      {
        SHAKEDOWN_DATA_DIR: root,
        LOG_LEVEL: 'warn',
      },
    );
    const [line] = await lab.waitFor(/^\{"name".*\}$/m, 120_000);
    inventory = JSON.parse(line) as LabInventoryJson;
    const pool = inventory.pools.find((p) => p.name === 'pool-830')!;
    const master = pool.hosts.find((h) => h.name === pool.master)!;
    const key = inventory.credentials[master.credential] as { key_file: string };
    const password = inventory.credentials[pool.xapi_credential!] as { password_file: string };
    ws = prepareWorkspace({
      suiteSource: SUITE!,
      root,
      keyFile: key.key_file,
      rootPassword: readFileSync(password.password_file, 'utf8').trim(),
      controlUrl: inventory.control_url!,
    });
  }, 300_000);

  afterAll(async () => {
    await lab?.stop('SIGTERM');
    if (root && !process.env.XCPNG_TESTS_KEEP) rmSync(root, { recursive: true, force: true });
  });

  it(
    'passes at least the measured share of the suite on the 8.3 pool',
    async () => {
      const pool = inventory.pools.find((p) => p.name === 'pool-830')!;
      const master = pool.hosts.find((h) => h.name === pool.master)!;
      const vm = execFileSync(
        'ssh',
        [master.address, `xe vm-list name-label=${HALTED_LINUX_VM} power-state=halted --minimal`],
        { env: ws.env, encoding: 'utf8' },
      ).trim();
      expect(vm).toMatch(/^[0-9a-f-]{36}$/);
      execFileSync(
        'ssh',
        [master.address, `mkdir -p ${posix.dirname(IMAGE_PATH)} && xe vm-export vm=${vm} filename=${IMAGE_PATH}`],
        { env: ws.env, encoding: 'utf8' },
      );
      const image = `https://${master.address}${IMAGE_PATH.slice('/opt/xensource/www'.length)}`;

      const junit = join(root, 'junit.xml');
      const folders = process.env.XCPNG_TESTS_FOLDERS?.split(',') ?? FOLDERS;
      const started = Date.now();
      await runPytest(
        ws,
        [
          ...folders,
          ...DESELECTED.map((d) => `--deselect=${d}`),
          `--hosts=${master.address}`,
          `--vm=${image}`,
          '--maxfail=100000', // the suite's pytest.ini stops at the first failure
          '-p',
          'no:cacheprovider',
          '-o',
          'junit_family=xunit1',
          `--junitxml=${junit}`,
        ],
        join(root, 'pytest.log'),
      );
      const cases = readJunit(junit);
      const lines: string[] = [];
      let passed = 0;
      for (const folder of folders) {
        const mine = cases.filter((c) => folderOf(c.id) === folder);
        const ok = mine.filter((c) => c.outcome === 'passed').length;
        passed += ok;
        lines.push(`${folder}: ${ok}/${mine.length} passed`);
      }
      const minutes = ((Date.now() - started) / 60_000).toFixed(1);
      lines.push(`total: ${passed}/${cases.length} passed in ${minutes} min (floor ${Math.round(FLOOR * 100)}%)`);
      const failing = cases
        .filter((c) => c.outcome !== 'passed')
        .map((c) => `  ${c.outcome} ${c.id}: ${(c.message ?? '').split('\n')[0]}`);
      console.log(`xcp-ng-tests on the simulated 8.3 pool\n${lines.join('\n')}\nnot passing:\n${failing.join('\n')}`);
      if (process.env.XCPNG_TESTS_REPORT) writeFileSync(process.env.XCPNG_TESTS_REPORT, JSON.stringify(cases, null, 1));

      expect(cases.length).toBeGreaterThan(0);
      expect(passed / cases.length).toBeGreaterThanOrEqual(FLOOR);
    },
    60 * 60_000,
  );
});

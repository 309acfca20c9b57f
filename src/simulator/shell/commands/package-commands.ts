import { startXapiConfig } from 'src/simulator/lab/xapi-http';
import {
  compareEvr,
  DEPMOD_CONF,
  depmodSearch,
  evr,
  HostPackages,
  hostPackages,
  MODULES_ROOT,
  namesBuild,
  TOOLSTACK_SERVICES,
  YumTransaction,
} from 'src/simulator/packages/host-packages';
import { enabledByDefault, KERNEL_MODULE_VERSION, PackageBuild, REPOS } from 'src/simulator/packages/package-catalog';
import { publishedBuilds } from 'src/simulator/packages/published-builds';
import { systemctl } from 'src/simulator/shell/commands/systemctl-command';
import { yumHistory } from 'src/simulator/shell/commands/yum-history';
import { CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

/** The host's package state with boot-time effects applied (modules loaded, services started). */
export async function packageState(env: ShellEnv): Promise<{ pk: HostPackages; search: string[] }> {
  const pk = hostPackages(env.host());
  const search = depmodSearch((await env.vfs.read(DEPMOD_CONF))?.toString('utf8') ?? null);
  pk.syncBoot(search);
  return { pk, search };
}

const fullName = (b: PackageBuild): string => `${b.name}-${evr(b)}.${b.arch}`;

/** Writes or removes the .ko files a package owns, so `ls`/`test -f` see what modinfo reports. */
async function syncModuleFile(env: ShellEnv, b: PackageBuild, present: boolean): Promise<void> {
  if (!b.module) return;
  const dir = `${MODULES_ROOT}/${b.module.dir}`;
  const path = `${dir}/${b.module.name}.ko`;
  if (!present) {
    await env.vfs.remove(path);
    return;
  }
  const vfs = env.vfs as { mkdirp?: (p: string) => Promise<void> };
  await vfs.mkdirp?.(dir);
  await env.vfs.write(
    path,
    Buffer.from(`simulated ${b.module.name}.ko ${b.module.version} from ${fullName(b)}\n`),
    false,
  );
}

function table(rows: Array<[string, string, string, string, string]>): string {
  const w = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => ` ${r.map((c, i) => c.padEnd(w[i]! + 2)).join('')}`.trimEnd()).join('\n');
}

const RULE = '='.repeat(80);

interface YumOptions {
  assumeYes: boolean;
  repos: string[];
  names: string[];
  unknownRepo: string | null;
  /** the arguments as `yum history` shows them */
  commandLine: string;
}

function yumOptions(argv: string[]): YumOptions {
  const repos = REPOS.filter(enabledByDefault);
  let unknownRepo: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const repoArg = a.startsWith('--enablerepo=')
      ? a.slice('--enablerepo='.length)
      : a === '--enablerepo'
        ? (argv[++i] ?? '')
        : null;
    if (repoArg !== null) {
      for (const r of repoArg.replace(/^['"]|['"]$/g, '').split(',')) {
        if (!REPOS.includes(r)) unknownRepo = r;
        else if (!repos.includes(r)) repos.push(r);
      }
    } else if (!a.startsWith('-')) names.push(a);
  }
  return {
    assumeYes: argv.includes('-y') || argv.includes('--assumeyes'),
    repos,
    names,
    unknownRepo,
    commandLine: argv.join(' '),
  };
}

const HEADER = 'Loaded plugins: fastestmirror\nLoading mirror speeds from cached hostfile\n';

/** yum's transaction: the summary table, then (with -y) the RPM steps; returns the exit code. */
async function transaction(
  io: CommandIo,
  env: ShellEnv,
  pk: HostPackages,
  kind: 'Updating' | 'Installing' | 'Removing',
  builds: PackageBuild[],
  opts: YumOptions,
  /** how many of `builds`, at its end, are there as dependencies of the others */
  dependencies = 0,
): Promise<number> {
  const verb = { Updating: 'update', Installing: 'install', Removing: 'erase' }[kind];
  io.out('Resolving Dependencies\n--> Running transaction check\n');
  for (const b of builds) {
    const old = pk.installed.get(b.name);
    if (kind === 'Updating' && old) io.out(`---> Package ${b.name}.${b.arch} 0:${evr(old)} will be updated\n`);
    io.out(
      `---> Package ${b.name}.${b.arch} 0:${evr(b)} will be ${kind === 'Updating' ? 'an update' : kind === 'Installing' ? 'installed' : 'erased'}\n`,
    );
  }
  io.out('--> Finished Dependency Resolution\n\nDependencies Resolved\n\n');
  const row = (b: PackageBuild): [string, string, string, string, string] => [
    b.name,
    b.arch,
    evr(b),
    kind === 'Removing' ? '@xcp-ng-base' : b.repo,
    `${(b.sizeKib / 1024).toFixed(1)} M`,
  ];
  const asked = builds.length - dependencies;
  const [head, ...body] = table([['Package', 'Arch', 'Version', 'Repository', 'Size'], ...builds.map(row)]).split('\n');
  const deps = dependencies ? `\n${kind} for dependencies:\n${body.slice(asked).join('\n')}` : '';
  io.out(
    `${RULE}\n${head}\n${RULE}\n${kind}:\n${body.slice(0, asked).join('\n')}${deps}\n\nTransaction Summary\n${RULE}\n`,
  );
  const count = `${builds.length} Package${builds.length === 1 ? '' : 's'}`;
  io.out(`${kind === 'Updating' ? 'Upgrade' : kind === 'Installing' ? 'Install' : 'Remove'}  ${count}\n\n`);
  if (kind !== 'Removing') {
    io.out(`Total download size: ${(builds.reduce((s, b) => s + b.sizeKib, 0) / 1024).toFixed(1)} M\n`);
  }
  if (!opts.assumeYes) {
    io.out('Is this ok [y/d/N]: ');
    io.out(
      '\nExiting on user command\nYour transaction was saved, rerun it with:\n yum load-transaction /tmp/yum_save_tx.sim.yumtx\n',
    );
    return 1;
  }
  if (kind !== 'Removing') io.out('Downloading packages:\n');
  io.out('Running transaction check\nRunning transaction test\nTransaction test succeeded\nRunning transaction\n');
  const total = kind === 'Updating' ? builds.length * 2 : builds.length;
  let step = 0;
  const line = (label: string, b: PackageBuild): void =>
    void io.out(`  ${label.padEnd(11)}: ${fullName(b).padEnd(60)} ${++step}/${total}\n`);
  const done: string[] = [];
  const changes: YumTransaction['changes'] = [];
  for (const b of builds) {
    const old = pk.installed.get(b.name);
    changes.push({ name: b.name, before: old, after: kind === 'Removing' ? undefined : b });
    if (kind === 'Removing') {
      line('Erasing', b);
      pk.installed.delete(b.name);
      for (const u of b.services ?? []) pk.serviceStarts.delete(u);
      await syncModuleFile(env, b, false);
    } else {
      line(kind === 'Updating' ? 'Updating' : 'Installing', b);
      if (old) await syncModuleFile(env, old, false);
      pk.installed.set(b.name, b);
      await syncModuleFile(env, b, true);
      if (b.startsServices) for (const u of b.services ?? []) pk.serviceStarts.set(u, env.model.clock.now());
      if (old && kind === 'Updating') line('Cleanup', old);
    }
    done.push(`${b.name}.${b.arch} 0:${evr(b)}`);
  }
  io.out(
    `\n${kind === 'Updating' ? 'Updated' : kind === 'Installing' ? 'Installed' : 'Removed'}:\n  ${done.join('  ')}\n\nComplete!\n`,
  );
  pk.history.push({
    commandLine: opts.commandLine,
    at: env.model.clock.now(),
    action: { Updating: 'Update', Installing: 'Install', Removing: 'Erase' }[kind],
    altered: builds.length,
    changes,
  });
  env.model.log(
    env.host().uuid,
    '/var/log/yum.log',
    `${new Date(env.model.clock.now()).toISOString().slice(0, 19)} ${verb}: ${builds.map(fullName).join(' ')} (simulated)`,
  );
  return 0;
}

async function yum(io: CommandIo, env: ShellEnv): Promise<number> {
  const [sub, ...rest] = io.argv.filter((a) => a !== '-q' && a !== '--noplugins');
  const opts = yumOptions(rest);
  opts.commandLine = [sub, ...rest].join(' ');
  const { pk } = await packageState(env);
  if (!io.argv.includes('--noplugins')) io.out(HEADER);
  if (sub === 'history') return yumHistory(io, env, pk, rest, (b, present) => syncModuleFile(env, b, present));
  if (opts.unknownRepo) {
    io.err(`Error getting repository data for ${opts.unknownRepo}, repository not found\n`);
    return 1;
  }
  const offered = publishedBuilds(env.model).offered(env.host().version);
  const builds = offered.filter((b) => opts.repos.includes(b.repo));
  switch (sub ?? '') {
    case 'update':
    case 'upgrade': {
      const names = opts.names.length ? opts.names : [...pk.installed.keys()];
      const updates: PackageBuild[] = [];
      for (const n of names) {
        const now = pk.installed.get(n);
        if (!now) {
          const known = builds.some((b) => b.name === n);
          io.out(known ? `Package(s) ${n} available, but not installed.\n` : `No package ${n} available.\n`);
          continue;
        }
        const best = pk.candidates(n, opts.repos, offered)[0];
        if (best && compareEvr(best, now) > 0) updates.push(best);
      }
      if (!updates.length) {
        io.out('No packages marked for update\n');
        return 0;
      }
      return transaction(io, env, pk, 'Updating', updates, opts);
    }
    case 'install': {
      const wanted: PackageBuild[] = [];
      for (const n of opts.names) {
        if (pk.installed.has(n)) {
          io.out(`Package ${fullName(pk.installed.get(n)!)} already installed and latest version\n`);
          continue;
        }
        // a name takes the newest build; name-version-release (with epoch, arch) that very build
        const best = pk.candidates(n, opts.repos, offered)[0] ?? builds.find((b) => b.name !== n && namesBuild(n, b));
        if (!best) io.out(`No package ${n} available.\n`);
        else wanted.push(best);
      }
      if (!wanted.length) {
        io.err('Error: Nothing to do\n');
        return 1;
      }
      // what they require and is not installed yet comes along, listed as dependencies
      const needed: PackageBuild[] = [];
      for (const b of wanted) {
        for (const r of b.requires ?? []) {
          if (pk.installed.has(r) || [...wanted, ...needed].some((w) => w.name === r)) continue;
          const dep = pk.candidates(r, opts.repos, offered)[0];
          if (!dep) {
            io.err(`Error: Package: ${fullName(b)} (${b.repo})\n           Requires: ${r}\n`);
            return 1;
          }
          needed.push(dep);
        }
      }
      return transaction(io, env, pk, 'Installing', [...wanted, ...needed], opts, needed.length);
    }
    case 'remove':
    case 'erase': {
      const gone = opts.names.map((n) => pk.installed.get(n)).filter((b): b is PackageBuild => !!b);
      for (const n of opts.names) if (!pk.installed.has(n)) io.out(`No Match for argument: ${n}\n`);
      if (gone.some((b) => b.name === 'xcp-ng-deps' || b.name === 'kernel' || b.name === 'xapi-core')) {
        io.err('Error: Trying to remove "xcp-ng-deps", which is protected\n');
        return 1;
      }
      if (!gone.length) {
        io.out('No Packages marked for removal\n');
        return 0;
      }
      return transaction(io, env, pk, 'Removing', gone, opts);
    }
    case 'list': {
      const which = opts.names[0] ?? 'all';
      const installed = [...pk.installed.values()].sort((a, b) => a.name.localeCompare(b.name));
      const row = (b: PackageBuild, repo: string): string =>
        `${`${b.name}.${b.arch}`.padEnd(40)} ${evr(b).padEnd(32)} ${repo}\n`;
      if (which === 'installed' || which === 'all') {
        io.out('Installed Packages\n');
        for (const b of installed) io.out(row(b, '@xcp-ng-base'));
      }
      if (which === 'available' || which === 'all') {
        io.out('Available Packages\n');
        const seen = new Set<string>();
        for (const b of [...builds].sort((a, c) => a.name.localeCompare(c.name) || compareEvr(c, a))) {
          const now = pk.installed.get(b.name);
          if (seen.has(b.name) || (now && compareEvr(b, now) <= 0)) continue;
          seen.add(b.name);
          io.out(row(b, b.repo));
        }
      }
      return 0;
    }
    default:
      io.err(`No such command: ${sub ?? ''}. Please use /usr/bin/yum --help\n`);
      return 1;
  }
}

/** `rpm -qa`, `rpm -q NAME…`, `--qf FORMAT` with %{NAME} %{VERSION} %{RELEASE} %{ARCH}, `rpm -ql NAME`. */
async function rpm(io: CommandIo, env: ShellEnv): Promise<number> {
  const { pk } = await packageState(env);
  const argv = io.argv;
  const qfAt = argv.findIndex((a) => a === '--qf' || a === '--queryformat');
  const qfGlued = argv.find((a) => a.startsWith('--qf=') || a.startsWith('--queryformat='));
  const qf = qfAt >= 0 ? argv[qfAt + 1] : qfGlued?.slice(qfGlued.indexOf('=') + 1);
  const names = argv.filter((a, i) => !a.startsWith('-') && !(qfAt >= 0 && i === qfAt + 1));
  const format = (b: PackageBuild): string =>
    qf === undefined
      ? `${fullName(b)}\n`
      : qf
          .replace(/%\{NAME\}/g, b.name)
          .replace(/%\{EPOCHNUM\}/g, '0')
          .replace(/%\{VERSION\}/g, b.version)
          .replace(/%\{RELEASE\}/g, b.release)
          .replace(/%\{ARCH\}/g, b.arch)
          .replace(/\\n/g, '\n')
          .replace(/\\t/g, '\t');
  const flags = argv.filter((a) => /^-[a-z]+$/.test(a)).join('');
  if (flags.includes('a')) {
    for (const b of [...pk.installed.values()].sort((x, y) => x.name.localeCompare(y.name))) io.out(format(b));
    return 0;
  }
  if (!flags.includes('q')) {
    io.err('rpm: only queries (-q) are simulated; use yum to change packages\n');
    return 1;
  }
  let code = 0;
  for (const n of names) {
    const b = [...pk.installed.values()].find((x) => namesBuild(n, x));
    if (!b) {
      io.out(`package ${n} is not installed\n`);
      code = 1;
    } else if (flags.includes('l')) {
      const files = [
        ...(b.module ? [`${MODULES_ROOT}/${b.module.dir}/${b.module.name}.ko`] : []),
        ...(b.services ?? []).map((s) => `/usr/lib/systemd/system/${s}.service`),
        `/usr/share/doc/${b.name}-${b.version}/README`,
      ];
      io.out(files.map((f) => `${f}\n`).join(''));
    } else io.out(format(b));
  }
  return code;
}

async function modinfo(io: CommandIo, env: ShellEnv): Promise<number> {
  const { pk, search } = await packageState(env);
  const fAt = io.argv.indexOf('-F');
  const field = fAt >= 0 ? io.argv[fAt + 1] : undefined;
  const names = io.argv.filter((a, i) => !a.startsWith('-') && !(fAt >= 0 && i === fAt + 1));
  let code = 0;
  for (const name of names) {
    const f = pk.resolve(name.replace(/-/g, '_'), search);
    if (!f) {
      io.err(`modinfo: ERROR: Module ${name} not found.\n`);
      code = 1;
      continue;
    }
    const fields: Array<[string, string]> = [
      ['filename', f.path],
      ['version', f.version],
      ['description', f.description],
      ['license', 'GPL'],
      [
        'srcversion',
        `SIM${f.version
          .replace(/[^0-9A-F]/gi, '')
          .toUpperCase()
          .padEnd(20, '0')
          .slice(0, 20)}`,
      ],
      ['depends', ''],
      ['retpoline', 'Y'],
      ['name', f.name],
      ['vermagic', `${KERNEL_MODULE_VERSION} SMP mod_unload modversions `],
    ];
    if (field) io.out(`${fields.find(([k]) => k === field)?.[1] ?? ''}\n`);
    else io.out(fields.map(([k, v]) => `${`${k}:`.padEnd(16)}${v}\n`).join(''));
  }
  return code;
}

function dmesg(env: ShellEnv, pk: HostPackages): string {
  const host = env.host();
  const stamp = (s: number): string => `[${s.toFixed(6).padStart(12)}]`;
  const lines = [
    `${stamp(0)} Linux version ${KERNEL_MODULE_VERSION} (mockbuild@koji.xcp-ng.org) (simulated) #1 SMP`,
    `${stamp(0)} Command line: root=LABEL=root-xcpng ro nolvm hpet=disable console=hvc0`,
    `${stamp(0.4)} Hypervisor detected: Xen PV`,
  ];
  for (const m of pk.loaded) {
    if (m.where !== 'built-in') {
      lines.push(`${stamp(m.at - 0.01)} ${m.name}: loading out-of-tree module taints kernel.`);
    }
    lines.push(`${stamp(m.at)} ${m.name}: ${m.description} v${m.version}`);
  }
  lines.push(`${stamp(9.8)} ${host.name}: dom0 booted (simulated)`);
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * yum-utils' `repoquery NAME…` over the enabled repositories (plus --enablerepo): the newest build
 * of each as name-epoch:version-release.arch; `--show-duplicates` lists every build, oldest first.
 */
async function repoquery(io: CommandIo, env: ShellEnv): Promise<number> {
  const opts = yumOptions(io.argv);
  if (opts.unknownRepo) {
    io.err(`Error getting repository data for ${opts.unknownRepo}, repository not found\n`);
    return 1;
  }
  const offered = publishedBuilds(env.model)
    .offered(env.host().version)
    .filter((b) => opts.repos.includes(b.repo));
  const all = io.argv.includes('--show-duplicates');
  for (const n of opts.names) {
    const found = offered.filter((b) => namesBuild(n, b)).sort(compareEvr);
    for (const b of all ? found : found.slice(-1)) io.out(`${b.name}-0:${evr(b)}.${b.arch}\n`);
  }
  return 0;
}

export const PACKAGE_COMMANDS: CommandTable = {
  yum,
  repoquery,
  rpm,
  modinfo,
  dmesg: async (io, env) => {
    const { pk } = await packageState(env);
    io.out(dmesg(env, pk));
    return 0;
  },
  lsmod: async (io, env) => {
    const { pk } = await packageState(env);
    io.out('Module                  Size  Used by\n');
    for (const m of pk.loaded) io.out(`${m.name.padEnd(24)}${String(100000 + m.name.length * 4321).padStart(6)}  0\n`);
    return 0;
  },
  /** depmod rebuilds modules.dep; the simulator resolves on demand, so only its errors matter. */
  depmod: async () => 0,
  systemctl: async (io, env) => systemctl(io, env, (await packageState(env)).pk),
  'xe-toolstack-restart': async (io, env) => {
    const { pk } = await packageState(env);
    io.out('Executing xe-toolstack-restart\n');
    for (const u of TOOLSTACK_SERVICES) if (pk.serviceStarts.has(u)) pk.serviceStarts.set(u, env.model.clock.now());
    // xapi reads its configuration (/etc/xapi.conf.d) when it starts.
    await startXapiConfig(env.host(), env.vfs);
    io.out('done.\n');
    return 0;
  },
};

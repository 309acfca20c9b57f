import { SimHost } from 'src/simulator/model/types';
import {
  BUILTIN_MODULES,
  installedAtInstall,
  KERNEL_MODULE_VERSION,
  ModuleDir,
  PackageBuild,
  repositoryBuilds,
} from 'src/simulator/packages/package-catalog';

export const MODULES_ROOT = `/lib/modules/${KERNEL_MODULE_VERSION}`;
export const DEPMOD_CONF = '/etc/depmod.d/dist.conf';
/** The configuration XCP-ng writes at installation since 8.0: `override` searched first. */
export const DEPMOD_CONF_TEXT =
  '# override default search ordering for kmod packaging\nsearch override updates extra built-in weak-updates\n';
/** depmod's own default when nothing configures it. */
const DEPMOD_DEFAULT_SEARCH = ['updates', 'extra', 'built-in', 'weak-updates'];
export const TOOLSTACK_SERVICES = ['xapi', 'xenopsd-xc', 'xcp-networkd', 'squeezed', 'xcp-rrdd', 'message-switch'];

interface ModuleFile {
  name: string;
  /** absolute path of the .ko */
  path: string;
  /** `override`, `updates`, `extra` or `built-in` */
  where: ModuleDir | 'built-in';
  version: string;
  description: string;
  autoload: boolean;
  /** the RPM that owns it ('kernel' for built-in modules) */
  owner: string;
}

interface LoadedModule extends ModuleFile {
  /** simulated seconds after boot when it loaded */
  at: number;
}

/** One `yum` transaction as its history keeps it: each package's build before and after (absent: not installed). */
export interface YumTransaction {
  commandLine: string;
  at: number;
  action: string;
  altered: number;
  changes: Array<{ name: string; before: PackageBuild | undefined; after: PackageBuild | undefined }>;
}

/** One dom0's RPM database, services and loaded modules; kept per host for the lab's life. */
export class HostPackages {
  readonly installed = new Map<string, PackageBuild>();
  /** unit → simulated epoch ms it last (re)started */
  readonly serviceStarts = new Map<string, number>();
  /** units whose last start failed (`systemctl --state=failed`); a boot clears them */
  readonly failedUnits = new Set<string>();
  /** yum's transactions, oldest first (`yum history`) */
  readonly history: YumTransaction[] = [];
  loaded: LoadedModule[] = [];
  private bootSeen: number | null = null;

  constructor(readonly host: SimHost) {
    for (const b of installedAtInstall(host.version)) this.installed.set(b.name, b);
  }

  /**
   * Installs or updates `builds` as one yum transaction recorded in the history (what the updater
   * plugin's `yum` runs do).
   */
  commit(builds: PackageBuild[], commandLine: string, at: number): void {
    if (!builds.length) return;
    const changes = builds.map((b) => ({ name: b.name, before: this.installed.get(b.name), after: b }));
    for (const b of builds) this.installed.set(b.name, b);
    const kinds = [...new Set(changes.map((c) => (c.before ? 'Update' : 'Install')))];
    this.history.push({
      commandLine,
      at,
      action: kinds.length === 1 ? kinds[0]! : 'I, U',
      altered: builds.length,
      changes,
    });
  }

  /** Newer builds than installed of `name`, in the given repositories; newest first. */
  candidates(
    name: string,
    repos: string[],
    offered: PackageBuild[] = repositoryBuilds(this.host.version),
  ): PackageBuild[] {
    return offered.filter((b) => b.name === name && repos.includes(b.repo)).sort((a, b) => compareEvr(b, a));
  }

  /** Every module file on disk: built-in ones, plus those of installed packages. */
  moduleFiles(): ModuleFile[] {
    const files: ModuleFile[] = BUILTIN_MODULES.map((m) => ({
      name: m.name,
      path: `${MODULES_ROOT}/${m.path}`,
      where: 'built-in',
      version: m.version,
      description: m.description,
      autoload: m.autoload,
      owner: 'kernel',
    }));
    for (const b of this.installed.values()) {
      if (!b.module) continue;
      files.push({
        name: b.module.name,
        path: `${MODULES_ROOT}/${b.module.dir}/${b.module.name}.ko`,
        where: b.module.dir,
        version: b.module.version,
        description: b.module.description,
        autoload: b.module.autoload,
        owner: b.name,
      });
    }
    return files;
  }

  /** The file depmod picks for `name` with that search order (first listed directory that has it). */
  resolve(name: string, search: string[]): ModuleFile | null {
    const files = this.moduleFiles().filter((f) => f.name === name);
    for (const dir of search) {
      const hit = files.find((f) => f.where === dir);
      if (hit) return hit;
    }
    return null;
  }

  /**
   * Brings boot-time state up to date: after each (simulated) boot the modules that load at boot
   * are those depmod resolves at that moment, and every service starts afresh.
   */
  syncBoot(search: string[]): void {
    if (this.bootSeen === this.host.bootedAt) return;
    this.bootSeen = this.host.bootedAt;
    const names = [
      ...new Set(
        this.moduleFiles()
          .filter((f) => f.autoload)
          .map((f) => f.name),
      ),
    ].sort();
    this.loaded = names
      .map((n) => this.resolve(n, search))
      .filter((f): f is ModuleFile => f !== null && f.autoload)
      .map((f, i) => ({ ...f, at: 2.1 + i * 0.37 }));
    this.serviceStarts.clear();
    this.failedUnits.clear();
    const units = new Set([...TOOLSTACK_SERVICES, ...[...this.installed.values()].flatMap((b) => b.services ?? [])]);
    // from 8.3 stunnel serves xapi's TLS as its own unit (ocaml/xapi/stunnel.ml, scripts/stunnel@.service)
    if (this.host.version !== '8.2.1') units.add('stunnel@xapi');
    for (const u of units) this.serviceStarts.set(u, this.host.bootedAt + 20_000);
  }
}

const hosts = new WeakMap<SimHost, HostPackages>();

export function hostPackages(host: SimHost): HostPackages {
  let p = hosts.get(host);
  if (!p) {
    p = new HostPackages(host);
    hosts.set(host, p);
  }
  return p;
}

/** depmod's search order from its configuration text (the last `search` line wins, as in depmod). */
export function depmodSearch(confText: string | null): string[] {
  let search = DEPMOD_DEFAULT_SEARCH;
  for (const line of (confText ?? '').split('\n')) {
    const m = /^\s*search\s+(.+?)\s*$/.exec(line);
    if (m?.[1]) search = m[1].split(/\s+/);
  }
  return search;
}

export const evr = (b: Pick<PackageBuild, 'version' | 'release'>): string => `${b.version}-${b.release}`;

/** Whether yum or rpm would take `spec` to name `b`: its name, name-version-release, with arch, with epoch 0. */
export function namesBuild(spec: string, b: PackageBuild): boolean {
  const nvr = `${b.name}-${evr(b)}`;
  const withEpoch = `${b.name}-0:${evr(b)}`;
  return [b.name, nvr, `${nvr}.${b.arch}`, withEpoch, `${withEpoch}.${b.arch}`].includes(spec);
}

/** rpm's version comparison, close enough for the catalog's numbers and letters. */
export function compareEvr(a: Pick<PackageBuild, 'version' | 'release'>, b: Pick<PackageBuild, 'version' | 'release'>) {
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

function rpmvercmp(a: string, b: string): number {
  const sa = a.match(/\d+|[a-z]+/gi) ?? [];
  const sb = b.match(/\d+|[a-z]+/gi) ?? [];
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (nx !== ny) return nx ? 1 : -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

import { XcpVersion } from 'src/simulator/model/types';

/**
 * The RPMs a simulated dom0 knows: what each release installs, what its repositories offer (base,
 * updates, and the `xcp-ng-testing` repository with candidate builds), and the kernel modules some
 * packages ship. Names and module locations follow XCP-ng's kernel module policy: supported modules
 * `{vendor}-{module}` (in `updates/`), alternate ones `<supported>-alt` (in `override/`), additional
 * ones `{module}-module` or `kmod-{name}-{kernel}` (in `extra/`).
 */

export type ModuleDir = 'override' | 'updates' | 'extra';

interface ModuleSpec {
  name: string;
  dir: ModuleDir;
  version: string;
  description: string;
  /** loads at boot (drivers of present hardware, or a module configured to load) */
  autoload: boolean;
}

export interface PackageBuild {
  name: string;
  version: string;
  release: string;
  arch: 'x86_64' | 'noarch';
  repo: string;
  summary: string;
  sizeKib: number;
  /** systemd units the package ships (what has to be restarted after an update) */
  services?: string[];
  /** its %post starts those units (netdata in XCP-ng's build) */
  startsServices?: boolean;
  /** names of packages it requires (yum installs them as dependencies) */
  requires?: string[];
  module?: ModuleSpec;
}

/** Modules the kernel package itself ships under `kernel/` (the fallback depmod calls built-in). */
interface BuiltinModule {
  name: string;
  path: string;
  version: string;
  description: string;
  autoload: boolean;
}

export const KERNEL_MODULE_VERSION = '4.19.0+1';

export const BUILTIN_MODULES: BuiltinModule[] = [
  {
    name: 'bnxt_en',
    path: 'kernel/drivers/net/ethernet/broadcom/bnxt/bnxt_en.ko',
    version: '1.8.0',
    description: 'Broadcom BCM573xx network driver',
    autoload: true,
  },
  {
    name: 'megaraid_sas',
    path: 'kernel/drivers/scsi/megaraid/megaraid_sas.ko',
    version: '07.706.03.00-rc1',
    description: 'Avago MegaRAID SAS Driver',
    autoload: true,
  },
  {
    name: 'ixgbe',
    path: 'kernel/drivers/net/ethernet/intel/ixgbe/ixgbe.ko',
    version: '5.1.0-k',
    description: 'Intel(R) 10 Gigabit PCI Express Network Driver',
    autoload: false,
  },
];

export const TESTING_REPO = 'xcp-ng-testing';
/** Repositories yum knows; testing is disabled unless `--enablerepo` names it. */
export const REPOS = ['xcp-ng-base', 'xcp-ng-updates', TESTING_REPO];
const ENABLED_BY_DEFAULT = ['xcp-ng-base', 'xcp-ng-updates'];

export function enabledByDefault(repo: string): boolean {
  return ENABLED_BY_DEFAULT.includes(repo);
}

interface Line {
  name: string;
  v82: string;
  v83: string;
  /** a newer build in xcp-ng-testing, per release; absent when testing has none */
  t82?: string;
  t83?: string;
  arch?: 'noarch';
  summary: string;
  sizeKib: number;
  services?: string[];
  startsServices?: boolean;
  requires?: string[];
  module?: Omit<ModuleSpec, 'version'> & { v82: string; v83: string; t82?: string; t83?: string };
}

/** Installed by default; version strings are VERSION-RELEASE. */
const INSTALLED: Line[] = [
  {
    name: 'kernel',
    v82: '4.19.19-7.0.15.1.xcpng8.2',
    v83: '4.19.19-8.0.38.1.xcpng8.3',
    summary: 'The Linux kernel',
    sizeKib: 48213,
  },
  {
    name: 'xen-hypervisor',
    v82: '4.13.5-9.40.1.xcpng8.2',
    v83: '4.17.5-6.1.xcpng8.3',
    t82: '4.13.5-9.40.2.xcpng8.2',
    t83: '4.17.5-6.2.xcpng8.3',
    summary: 'The Xen hypervisor',
    sizeKib: 3120,
  },
  {
    name: 'xapi-core',
    v82: '1.249.38-1.1.xcpng8.2',
    v83: '24.19.2-1.10.xcpng8.3',
    t82: '1.249.39-1.1.xcpng8.2',
    t83: '24.19.2-1.11.xcpng8.3',
    summary: 'The xapi toolstack',
    sizeKib: 15874,
    services: ['xapi'],
  },
  {
    name: 'xapi-xe',
    v82: '1.249.38-1.1.xcpng8.2',
    v83: '24.19.2-1.10.xcpng8.3',
    t82: '1.249.39-1.1.xcpng8.2',
    t83: '24.19.2-1.11.xcpng8.3',
    summary: 'The xe command line interface',
    sizeKib: 2311,
  },
  {
    name: 'xenopsd-xc',
    v82: '0.150.19-1.1.xcpng8.2',
    v83: '24.19.2-1.10.xcpng8.3',
    t82: '0.150.19-1.2.xcpng8.2',
    t83: '24.19.2-1.11.xcpng8.3',
    summary: 'Xenopsd using xc',
    sizeKib: 4096,
    services: ['xenopsd-xc'],
  },
  {
    name: 'sm',
    v82: '2.30.8-10.1.xcpng8.2',
    v83: '3.2.3-1.6.xcpng8.3',
    t82: '2.30.8-10.2.xcpng8.2',
    t83: '3.2.3-1.7.xcpng8.3',
    summary: 'Storage manager for xapi',
    sizeKib: 2850,
  },
  {
    name: 'xcp-networkd',
    v82: '0.56.2-1.xcpng8.2',
    v83: '24.19.2-1.10.xcpng8.3',
    summary: 'Simple host network management daemon for xapi',
    sizeKib: 1830,
    services: ['xcp-networkd'],
  },
  {
    name: 'squeezed',
    v82: '0.27.0-5.xcpng8.2',
    v83: '24.19.2-1.10.xcpng8.3',
    summary: 'Memory ballooning daemon for the xapi toolstack',
    sizeKib: 990,
    services: ['squeezed'],
  },
  {
    name: 'xcp-rrdd',
    v82: '1.33.0-6.xcpng8.2',
    v83: '24.19.2-1.10.xcpng8.3',
    summary: 'Statistics gathering daemon for the xapi toolstack',
    sizeKib: 1620,
    services: ['xcp-rrdd'],
  },
  {
    name: 'broadcom-bnxt-en',
    v82: '1.10.0_216.0.119.1-1.xcpng8.2',
    v83: '1.10.0_216.0.119.1-1.xcpng8.3',
    summary: 'Broadcom NetXtreme-C/E network driver (supported module)',
    sizeKib: 412,
    module: {
      name: 'bnxt_en',
      dir: 'updates',
      v82: '1.10.0-216.0.119.1',
      v83: '1.10.0-216.0.119.1',
      description: 'Broadcom BCM573xx network driver',
      autoload: true,
    },
  },
  {
    name: 'xcp-ng-deps',
    v82: '8.2-4',
    v83: '8.3-12',
    arch: 'noarch',
    summary: 'A meta package pulling the dependencies of XCP-ng',
    sizeKib: 6,
  },
  {
    name: 'xcp-ng-release',
    v82: '8.2.1-10',
    v83: '8.3.0-29',
    summary: 'XCP-ng release file',
    sizeKib: 40,
  },
  {
    name: 'openssh-server',
    v82: '7.4p1-22.el7_9',
    v83: '7.4p1-23.3.1.xcpng8.3',
    summary: 'An open source SSH server daemon',
    sizeKib: 445,
    services: ['sshd'],
  },
];

/** Not installed by default; offered by the base repository (alternate and additional modules, CentOS extras). */
const AVAILABLE: Line[] = [
  {
    // what xcp-ng-tests installs and removes to give an empty yum history a transaction to roll back to
    name: 'gpm-libs',
    v82: '1.20.7-6.el7',
    v83: '1.20.7-6.el7',
    summary: 'Dynamic library for gpm',
    sizeKib: 32,
  },
  {
    name: 'netdata',
    v82: '1.19.0-3.xcpng8.2',
    v83: '1.44.3-1.xcpng8.3',
    summary: 'Real-time performance monitoring',
    sizeKib: 12800,
    services: ['netdata'],
    startsServices: true,
  },
  {
    // netdata's web dashboard, packaged apart by XCP-ng; netdata serves it on port 19999
    name: 'netdata-ui',
    v82: '1.19.0-3.xcpng8.2',
    v83: '1.44.3-1.xcpng8.3',
    arch: 'noarch',
    summary: 'Web UI for netdata',
    sizeKib: 5400,
    requires: ['netdata'],
  },
  // XCP-ng's test package: two releases in the base repository (the updater plugin test installs the first, then updates)
  { name: 'dummypkg', v82: '1.0-1.xcpng8.2', v83: '1.0-1.xcpng8.3', summary: 'Dummy package for tests', sizeKib: 8 },
  { name: 'dummypkg', v82: '1.0-2.xcpng8.2', v83: '1.0-2.xcpng8.3', summary: 'Dummy package for tests', sizeKib: 8 },
  {
    name: 'broadcom-bnxt-en-alt',
    v82: '1.10.2_223.0.183.0-1.xcpng8.2',
    v83: '1.10.2_223.0.183.0-1.xcpng8.3',
    t82: '1.10.3_225.0.127.0-1.xcpng8.2',
    t83: '1.10.3_225.0.127.0-1.xcpng8.3',
    summary: 'Broadcom NetXtreme-C/E network driver, alternate version',
    sizeKib: 430,
    module: {
      name: 'bnxt_en',
      dir: 'override',
      v82: '1.10.2-223.0.183.0',
      v83: '1.10.2-223.0.183.0',
      t82: '1.10.3-225.0.127.0',
      t83: '1.10.3-225.0.127.0',
      description: 'Broadcom BCM573xx network driver',
      autoload: true,
    },
  },
  {
    name: 'ceph-module',
    v82: '4.19.265-1.xcpng8.2',
    v83: '4.19.265-1.xcpng8.3',
    summary: 'CephFS kernel module, backported from Linux 4.19.265 (additional module)',
    sizeKib: 1120,
    module: {
      name: 'ceph',
      dir: 'extra',
      v82: '4.19.265',
      v83: '4.19.265',
      description: 'Ceph filesystem for Linux',
      autoload: true,
    },
  },
  {
    name: `kmod-zfs-${KERNEL_MODULE_VERSION}`,
    v82: '2.1.11-1.xcpng8.2',
    v83: '2.1.15-1.xcpng8.3',
    summary: 'ZFS kernel modules for the supported kernel (additional module)',
    sizeKib: 5800,
    module: {
      name: 'zfs',
      dir: 'extra',
      v82: '2.1.11-1',
      v83: '2.1.15-1',
      description: 'ZFS',
      autoload: true,
    },
  },
];

function build(line: Line, version: XcpVersion, testing: boolean, repo: string): PackageBuild | null {
  const vr = testing ? (version === '8.2.1' ? line.t82 : line.t83) : version === '8.2.1' ? line.v82 : line.v83;
  if (!vr) return null;
  const at = vr.lastIndexOf('-');
  const m = line.module;
  const moduleVersion = m
    ? ((testing ? (version === '8.2.1' ? m.t82 : m.t83) : undefined) ?? (version === '8.2.1' ? m.v82 : m.v83))
    : undefined;
  return {
    name: line.name,
    version: vr.slice(0, at),
    release: vr.slice(at + 1),
    arch: line.arch ?? 'x86_64',
    repo,
    summary: line.summary,
    sizeKib: line.sizeKib,
    ...(line.services ? { services: line.services } : {}),
    ...(line.startsServices ? { startsServices: true } : {}),
    ...(line.requires ? { requires: line.requires } : {}),
    ...(m && moduleVersion
      ? {
          module: {
            name: m.name,
            dir: m.dir,
            version: moduleVersion,
            description: m.description,
            autoload: m.autoload,
          },
        }
      : {}),
  };
}

/** What a fresh host of that release has installed. */
export function installedAtInstall(version: XcpVersion): PackageBuild[] {
  return INSTALLED.map((l) => build(l, version, false, 'installed')).filter((b): b is PackageBuild => b !== null);
}

/** Every build the repositories offer for that release (the installed ones included, as base). */
export function repositoryBuilds(version: XcpVersion): PackageBuild[] {
  const out: PackageBuild[] = [];
  for (const l of [...INSTALLED, ...AVAILABLE]) {
    const base = build(l, version, false, 'xcp-ng-base');
    if (base) out.push(base);
    const testing = build(l, version, true, TESTING_REPO);
    if (testing) out.push(testing);
  }
  return out;
}

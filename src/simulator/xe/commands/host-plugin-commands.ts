import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostBlockDevices } from 'src/simulator/model/host-disks';
import { poolTlsRejected } from 'src/simulator/xe/commands/certificate-commands';
import { mdadmDetail } from 'src/simulator/shell/commands/raid-commands';
import { compareEvr, hostPackages, namesBuild } from 'src/simulator/packages/host-packages';
import { enabledByDefault, PackageBuild, REPOS } from 'src/simulator/packages/package-catalog';
import { publishedBuilds } from 'src/simulator/packages/published-builds';
import { LabModel } from 'src/simulator/model/lab-model';
import { SimHost } from 'src/simulator/model/types';
import { versionInfo } from 'src/simulator/model/versions';
import { mapParams } from 'src/simulator/xe/xe-args';
import { selectOneHost } from 'src/simulator/xe/vm-select';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeApiError, XeClientError } from 'src/simulator/xe/xe-errors';

/**
 * `xe host-call-plugin` with the XCP-ng plugins xcp-ng-tests calls (xcp-ng-xapi-plugins,
 * SOURCES/etc/xapi.d/plugins/*.py): each answers what the real plugin prints over the host's
 * modelled state. cli_operations.ml host_call_plugin prints the plugin's result as one PList item.
 */

/** dom0 files a plugin reads and writes, by their dom0 path */
interface PluginFiles {
  read(path: string): string | null;
  write(path: string, text: string): void;
}

type Plugin = Record<string, (model: LabModel, host: SimHost, args: Map<string, string>, files: PluginFiles) => string>;

const PLUGINS: Record<string, Plugin> = {
  // lsblk.py: `lsblk -P -b -o NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT`, partitions nested under their disk
  'lsblk.py': {
    list_block_devices: (model, host) => {
      type Entry = Record<string, string | Entry[]>;
      const byName = new Map<string, Entry>();
      const roots: Entry[] = [];
      for (const d of hostBlockDevices(model, host)) {
        const entry: Entry = {
          name: d.name,
          kname: d.kname,
          pkname: d.pkname,
          size: String(d.size),
          type: d.type,
          ro: d.ro ? '1' : '0',
          mountpoint: d.mountpoint,
        };
        const parent = d.pkname ? byName.get(d.pkname) : undefined;
        if (parent) parent['children'] = [...((parent['children'] as Entry[] | undefined) ?? []), entry];
        else roots.push(entry);
        byName.set(d.kname, entry);
      }
      return JSON.stringify({ blockdevices: roots });
    },
  },
  // hyperthreading.py: `xl info threads_per_core` > 1; simulated CPUs have two threads per core
  'hyperthreading.py': { get_hyperthreading: () => 'true' },
  // raid.py: `mdadm --detail /dev/md127`, {} when it fails (no array); else its `key : value` lines
  // as `raid` and each member row's fields (split on double spaces) as `volumes`
  'raid.py': {
    check_raid_pool: (model, host) => {
      const text = mdadmDetail(model, host, '/dev/md127');
      if (!text) return '{}';
      const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l)
        .slice(1);
      const footer = lines.findIndex((l) => l.startsWith('Number'));
      const raid = Object.fromEntries(lines.slice(0, footer).map((l) => l.split(' : ', 2).map((f) => f.trim())));
      const volumes = lines.slice(footer + 1).map((l) =>
        l
          .split('  ')
          .map((f) => f.trim())
          .filter((f) => f),
      );
      return JSON.stringify({ raid, volumes });
    },
  },
  // zfs.py: no zfs binary on a stock dom0 (ENOENT) → {}
  'zfs.py': { list_zfs_pools: () => '{}' },
  // smartctl.py: one entry per disk `smartctl --scan` lists (simulated disks always pass)
  'smartctl.py': {
    information: (model, host) =>
      JSON.stringify(
        Object.fromEntries(
          hostBlockDevices(model, host)
            .filter((d) => d.type === 'disk')
            .map((d) => [
              `/dev/${d.name}`,
              {
                device: { name: `/dev/${d.name}`, type: 'sat', protocol: 'ATA' },
                model_name: 'Simulated Disk (simulated)',
                user_capacity: { bytes: d.size },
                logical_block_size: d.logSec,
                smart_status: { passed: true },
              },
            ]),
        ),
      ),
    health: (model, host) =>
      JSON.stringify(
        Object.fromEntries(
          hostBlockDevices(model, host)
            .filter((d) => d.type === 'disk')
            .map((d) => [`/dev/${d.name}`, 'PASSED']),
        ),
      ),
  },
  // netdata.py: `service netdata status` succeeds once the netdata package is installed (JSON true/false);
  // install_netdata installs it, writes /etc/netdata/stream.conf with the key and destination, restarts
  // the service; get_netdata_api_key reads the key back ('' without the file)
  'netdata.py': {
    is_netdata_installed: (_model, host) => JSON.stringify(hostPackages(host).installed.has('netdata')),
    install_netdata: (model, host, args, files) => {
      const key = args.get('api_key');
      const destination = args.get('destination');
      if (key === undefined || destination === undefined) {
        throw new XeApiError('XENAPI_PLUGIN_FAILURE', [
          'install_netdata',
          'KeyError',
          key === undefined ? 'api_key' : 'destination',
        ]);
      }
      updaterYum(model, host, new Map([['packages', 'netdata']]), 'install');
      files.write(NETDATA_STREAM_CONF, netdataStreamConf(destination, key));
      hostPackages(host).serviceStarts.set('netdata', model.clock.now());
      return 'true';
    },
    get_netdata_api_key: (_model, _host, _args, files) => {
      const line = (files.read(NETDATA_STREAM_CONF) ?? '')
        .split('\n')
        .map((l) => l.split('#')[0]!.trim())
        .find((l) => l.startsWith('api key'));
      return line ? line.split('=')[1]!.trim() : '';
    },
  },
  // updater.py (README of xcp-ng-xapi-plugins): yum over the repositories enabled by default
  'updater.py': {
    // `yum check-update`: one entry per installed package with a newer build, as a JSON list
    check_update: (model, host) => {
      const pk = hostPackages(host);
      const offered = publishedBuilds(model).offered(host.version);
      const repos = REPOS.filter(enabledByDefault);
      const updates = [...pk.installed.values()].flatMap((now) => {
        const best = pk.candidates(now.name, repos, offered)[0];
        if (!best || compareEvr(best, now) <= 0) return [];
        const { name, version, release, arch } = best;
        return [{ name, version, release, arch, fullName: `${name}-${version}-${release}.${arch}` }];
      });
      return JSON.stringify(updates);
    },
    // `yum update --disablerepo="*" --enablerepo=<base,updates[,repos]> -y [packages]`: run_command's result as JSON
    update: (model, host, args) => updaterYum(model, host, args, 'update'),
    // `yum install … -y <packages>` (names or name-epoch:version-release.arch)
    install: (model, host, args) => updaterYum(model, host, args, 'install'),
    // each section of /etc/yum.repos.d/xcp-ng.repo → its proxy; `_none_` when none is set
    get_proxies: () => JSON.stringify(Object.fromEntries(REPOS.map((r) => [r, '_none_']))),
  },
};

const NETDATA_STREAM_CONF = '/etc/netdata/stream.conf';

/** The streaming configuration netdata.py writes (its `[stream]` section, managed by XCP-ng). */
function netdataStreamConf(destination: string, key: string): string {
  return [
    '',
    '# do not edit, managed by XCP-ng',
    '',
    '[stream]',
    '    # Enable this on slaves, to have them send metrics.',
    '    enabled = yes',
    `    destination = ${destination}`,
    `    api key = ${key}`,
    '    timeout seconds = 60',
    '    default port = 19999',
    '    send charts matching = *',
    '    buffer size bytes = 1048576',
    '    reconnect delay seconds = 5',
    '    initial clock resync iterations = 60',
    '',
  ].join('\n');
}

/** The updater plugin's yum runs: the builds it picks, committed as one transaction of the host's history. */
function updaterYum(model: LabModel, host: SimHost, args: Map<string, string>, verb: 'update' | 'install'): string {
  const pk = hostPackages(host);
  const offered = publishedBuilds(model).offered(host.version);
  const repos = [
    'xcp-ng-base',
    'xcp-ng-updates',
    ...(args.get('repos') ?? '').split(',').filter((r) => REPOS.includes(r)),
  ];
  const specs = (args.get('packages') ?? '').split(/[\s,]+/).filter(Boolean);
  const picked: PackageBuild[] = [];
  if (verb === 'install') {
    for (const spec of specs) {
      const b =
        pk.candidates(spec, repos, offered)[0] ?? offered.find((x) => repos.includes(x.repo) && namesBuild(spec, x));
      if (!b) {
        throw new XeApiError('XENAPI_PLUGIN_FAILURE', ['install', 'ProcessException', `No package ${spec} available.`]);
      }
      if (!pk.installed.has(b.name) || pk.installed.get(b.name) !== b) picked.push(b);
    }
  } else {
    for (const name of specs.length ? specs : [...pk.installed.keys()]) {
      const now = pk.installed.get(name);
      const best = pk.candidates(name, repos, offered)[0];
      if (now && best && compareEvr(best, now) > 0) picked.push(best);
    }
  }
  const command = ['yum', verb, '--disablerepo="*"', `--enablerepo=${repos.join(',')}`, '-y', ...specs];
  pk.commit(picked, command.slice(1).join(' '), model.clock.now());
  const stdout = picked.length
    ? `${picked.map((b) => `${verb === 'install' ? 'Installed' : 'Updated'}: ${b.name}-${b.version}-${b.release}.${b.arch}`).join('\n')}\nComplete! (simulated)\n`
    : 'No packages marked for update\n';
  return JSON.stringify({ returncode: 0, command, stdout, stderr: '' });
}

export const HOST_PLUGIN_COMMANDS: Record<string, XeCommand> = {
  'host-dmesg': {
    // Host.dmesg is the hypervisor's console ring (`xl dmesg`), one PList item
    run: (ctx, params) => {
      const host = selectOneHost(ctx, params, [], true);
      // forwarded to that host over the pool's TLS link: refused when it serves an unknown certificate
      if (host.uuid !== ctx.host.uuid && poolTlsRejected(ctx.model, host)) {
        throw new XeApiError('CANNOT_CONTACT_HOST', [host.uuid]);
      }
      const v = versionInfo(host.version);
      return [
        ` Xen version ${v.xen.split('-')[0]} (mockbuild@simulated) (gcc (GCC) 11.2.1) debug=n Sat Jan  1 00:00:00 UTC 2022`,
        `(XEN) Xen version ${v.xen.split('-')[0]}-${v.xen.split('-')[1] ?? '0'}.xcpng${host.version.slice(0, 3)} (simulated)`,
        `(XEN) Command line: dom0_mem=${Math.round(host.memoryOverhead / 1024 ** 2)}M,max:${Math.round(host.memoryOverhead / 1024 ** 2)}M watchdog ucode=scan dom0_max_vcpus=1-${Math.min(16, host.cpuCount)} crashkernel=256M,below=4G console=vga vga=mode-0x0311`,
        `(XEN) System RAM: ${Math.round(host.memoryTotal / 1024 ** 2)}MB (${Math.round(host.memoryTotal / 1024)}kB)`,
        `(XEN) CPU0: ${host.cpuModel}`,
        `(XEN) Brought up ${host.cpuCount} CPUs`,
        '',
      ].join('\n');
    },
  },
  'host-call-plugin': {
    run: (ctx, params) => {
      const uuid = params.get('host-uuid') ?? '';
      const host = ctx.model.state.hosts.get(uuid);
      if (!host || host.poolUuid !== ctx.host.poolUuid) throw new XeApiError('UUID_INVALID', ['host', uuid]);
      const name = params.get('plugin') ?? '';
      const fn = params.get('fn') ?? '';
      const plugin = PLUGINS[name];
      const call = plugin?.[fn];
      if (!call) {
        throw new XeClientError(
          `Error: plugin ${name} function ${fn} is not implemented by this simulated host (simulated)`,
        );
      }
      const files: PluginFiles = {
        read: (path) => {
          try {
            return readFileSync(ctx.hostPath(host, path), 'utf8');
          } catch {
            return null;
          }
        },
        write: (path, text) => {
          const real = ctx.hostPath(host, path);
          mkdirSync(dirname(real), { recursive: true });
          writeFileSync(real, text);
        },
      };
      return `${call(ctx.model, host, mapParams(params, 'args'), files)}\n`;
    },
  },
};

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, Node } from 'yaml';
import { parseUntrustedYaml, yamlShapeProblem } from 'src/common/input/yaml-limits';
import { parseDurationMs } from 'src/common/duration';
import {
  ImageSource,
  NestedLabSpec,
  NestedPoolSpec,
  NestedVmSpec,
  UpgradeSpec,
  VmOriginName,
} from 'src/lab/provisioner/nested-lab.types';
import { ProvisionerError, ProvisionerErrorCode } from 'src/lab/provisioner/provisioner.errors';

const NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,40}$/;
const VERSION = /^\d+\.\d+\.\d+$/;
const ORIGINS: readonly VmOriginName[] = ['recent', 'upgraded', 'imported'];
type Fields = Map<string, Node | null>;

function newer(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return false;
}

/** Reads typed values off the YAML tree and collects every problem as file:line:col. */
class Reader {
  readonly errors: string[] = [];
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  error(node: Node | null | undefined, message: string): void {
    const { line, col } = this.lines.linePos(node?.range?.[0] ?? 0);
    this.errors.push(`${this.file}:${line}:${col}: ${message}`);
  }

  map(node: Node | null | undefined, where: string, allowed: readonly string[]): Fields | undefined {
    if (!isMap(node)) {
      this.error(node, `${where} must be a mapping`);
      return undefined;
    }
    const out: Fields = new Map();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (!allowed.includes(key)) {
        this.error(keyNode, `${where}: unknown key "${key}" (allowed: ${allowed.join(', ')})`);
      } else if (out.has(key)) this.error(keyNode, `${where}: "${key}" appears twice`);
      else out.set(key, pair.value as Node | null);
    }
    out.set('\0self', node);
    return out;
  }

  self(m: Fields): Node | null {
    return m.get('\0self') ?? null;
  }

  string(
    m: Fields,
    key: string,
    where: string,
    opts: { required?: boolean; pattern?: RegExp; hint?: string } = {},
  ): string | undefined {
    const node = m.get(key);
    if (node === undefined || node === null) {
      if (opts.required) this.error(node ?? this.self(m), `${where}: "${key}" is required`);
      return undefined;
    }
    const value: unknown = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      this.error(node, `${where}: ${key} must be a text value`);
      return undefined;
    }
    const text = String(value);
    if (opts.pattern && !opts.pattern.test(text)) {
      this.error(node, `${where}: ${key} "${text}" ${opts.hint ?? 'is not valid'}`);
      return undefined;
    }
    return text;
  }

  int(m: Fields, key: string, where: string, min: number, max: number, fallback?: number): number | undefined {
    const node = m.get(key);
    if (node === undefined || node === null) {
      if (fallback === undefined) this.error(this.self(m), `${where}: "${key}" is required`);
      return fallback;
    }
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.error(node, `${where}: ${key} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return v;
  }

  boolean(m: Fields, key: string, where: string, fallback: boolean): boolean {
    const node = m.get(key);
    if (node === undefined || node === null) return fallback;
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.error(node, `${where}: ${key} must be true or false`);
      return fallback;
    }
    return node.value;
  }

  duration(m: Fields, key: string, where: string, fallbackMs: number): number {
    const node = m.get(key);
    if (node === undefined || node === null) return fallbackMs;
    const v = isScalar(node) ? node.value : undefined;
    const ms = parseDurationMs(v, -1);
    if (ms <= 0) {
      this.error(node, `${where}: ${key} must be a duration such as 90s, 10m or 1h`);
      return fallbackMs;
    }
    return ms;
  }

  seq(node: Node | null | undefined, where: string): Node[] {
    if (!isSeq(node)) {
      this.error(node, `${where} must be a list`);
      return [];
    }
    return node.items as Node[];
  }
}

function readImage(r: Reader, node: Node | null, where: string): ImageSource | undefined {
  const m = r.map(node, where, ['path', 'url']);
  if (!m) return undefined;
  const path = r.string(m, 'path', where, { pattern: /^\//, hint: 'must be an absolute path on the parent host' });
  const url = r.string(m, 'url', where, { pattern: /^https?:\/\//, hint: 'must be an http(s) URL' });
  if ((path === undefined) === (url === undefined)) {
    r.error(node, `${where}: give exactly one of path (on the parent host) or url`);
    return undefined;
  }
  return path !== undefined ? { path } : { url: url ?? '' };
}

function readUpgrade(r: Reader, node: Node | null, where: string, pool: { hosts: number; version: string }) {
  const m = r.map(node, where, ['to', 'method', 'hosts', 'iso', 'enable_repo']);
  if (!m) return undefined;
  const to = r.string(m, 'to', where, { required: true, pattern: VERSION, hint: 'must look like 8.3.0' });
  if (to && !newer(to, pool.version)) {
    r.error(m.get('to'), `${where}: to ${to} is not newer than the pool's ${pool.version}`);
  }
  const method = r.string(m, 'method', where, { pattern: /^(installer|yum)$/, hint: 'must be installer or yum' });
  const chosen: UpgradeSpec['method'] =
    method === 'installer' || method === 'yum'
      ? method
      : to && to.split('.').slice(0, 2).join('.') === pool.version.split('.').slice(0, 2).join('.')
        ? 'yum'
        : 'installer';
  const hosts = r.int(m, 'hosts', where, 1, Math.max(1, pool.hosts), pool.hosts);
  const iso = r.string(m, 'iso', where, { pattern: /^[^\s/]+\.iso$/, hint: 'must be an ISO file name' });
  if (chosen === 'installer' && !iso) {
    r.error(r.self(m), `${where}: an installer upgrade needs "iso" (the installer ISO name)`);
  }
  if (chosen === 'yum' && to && to.split('.').slice(0, 2).join('.') !== pool.version.split('.').slice(0, 2).join('.')) {
    r.error(
      m.get('method') ?? r.self(m),
      `${where}: yum update does not cross major releases (${pool.version} → ${to}); use method: installer`,
    );
  }
  const enableRepo = r.string(m, 'enable_repo', where, {
    pattern: /^[A-Za-z0-9_.-]+$/,
    hint: 'must be a repository id',
  });
  const out: UpgradeSpec = { to: to ?? '', method: chosen, hosts: hosts ?? pool.hosts };
  if (iso) out.iso = iso;
  if (enableRepo) out.enableRepo = enableRepo;
  return out;
}

function readVm(r: Reader, node: Node, where: string, hosts: number): NestedVmSpec | undefined {
  const m = r.map(node, where, ['name', 'template', 'origin', 'host']);
  if (!m) return undefined;
  const name = r.string(m, 'name', where, {
    required: true,
    pattern: /^[^\s]{1,64}$/,
    hint: 'must be 1-64 characters without spaces',
  });
  const template = r.string(m, 'template', where, { required: true });
  const origin = r.string(m, 'origin', where, {
    pattern: /^(recent|upgraded|imported)$/,
    hint: `must be one of ${ORIGINS.join(', ')}`,
  });
  const host = r.int(m, 'host', where, 1, Math.max(1, hosts), 1);
  if (!name || !template) return undefined;
  return { name, template, origin: (origin as VmOriginName | undefined) ?? 'recent', host: host ?? 1 };
}

function readPool(
  r: Reader,
  node: Node,
  index: number,
  images: Record<string, ImageSource>,
): NestedPoolSpec | undefined {
  const where0 = `pools[${index}]`;
  const m = r.map(node, where0, ['name', 'hosts', 'version', 'memory_gib', 'vcpus', 'shared_sr', 'vms', 'upgrade']);
  if (!m) return undefined;
  const name = r.string(m, 'name', where0, {
    required: true,
    pattern: NAME,
    hint: 'must be letters, digits, . and - (it names the hosts)',
  });
  const where = name ? `pool ${name}` : where0;
  const hosts = r.int(m, 'hosts', where, 1, 16) ?? 1;
  const version = r.string(m, 'version', where, { required: true, pattern: VERSION, hint: 'must look like 8.2.1' });
  if (version && !images[version]) {
    r.error(
      m.get('version'),
      `${where}: no image for version ${version} (images: ${Object.keys(images).join(', ') || 'none'})`,
    );
  }
  const pool: NestedPoolSpec = {
    name: name ?? '',
    hosts,
    version: version ?? '',
    memoryGib: r.int(m, 'memory_gib', where, 2, 1024, 8) ?? 8,
    vcpus: r.int(m, 'vcpus', where, 1, 64, 2) ?? 2,
    vms: [],
  };
  const sharedNode = m.get('shared_sr');
  if (sharedNode) {
    const s = r.map(sharedNode, `${where}: shared_sr`, ['name', 'type', 'server', 'path']);
    if (s) {
      r.string(s, 'type', `${where}: shared_sr`, { pattern: /^nfs$/, hint: 'must be nfs' });
      const server = r.string(s, 'server', `${where}: shared_sr`, { required: true });
      const path = r.string(s, 'path', `${where}: shared_sr`, {
        required: true,
        pattern: /^\//,
        hint: 'must be an absolute export path',
      });
      const srName = r.string(s, 'name', `${where}: shared_sr`) ?? `NFS ${pool.name}`;
      if (server && path) pool.sharedSr = { name: srName, server, path };
    }
  }
  if (m.get('vms')) {
    const names = new Set<string>();
    r.seq(m.get('vms'), `${where}: vms`).forEach((n, i) => {
      const vm = readVm(r, n, `${where}: vms[${i}]`, hosts);
      if (!vm) return;
      if (names.has(vm.name)) r.error(n, `${where}: VM name ${vm.name} used twice`);
      names.add(vm.name);
      pool.vms.push(vm);
    });
  }
  const upgradeNode = m.get('upgrade');
  if (upgradeNode && version) {
    const upgrade = readUpgrade(r, upgradeNode, `${where}: upgrade`, { hosts, version });
    if (upgrade) pool.upgrade = upgrade;
  }
  return pool;
}

/** Parses a nested lab file; every problem is reported at once, each as file:line:col. */
export function parseNestedLab(text: string, file: string): NestedLabSpec {
  const shape = yamlShapeProblem(text);
  if (shape) {
    const error = `${file}:${shape.line}:${shape.col}: YAML ${shape.message}`;
    throw new ProvisionerError(error, ProvisionerErrorCode.LabFileInvalid, { errors: [error] });
  }
  const lines = new LineCounter();
  const doc = parseUntrustedYaml(text, { lineCounter: lines, prettyErrors: false });
  const r = new Reader(file, lines);
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    r.errors.push(`${file}:${line}:${col}: ${e.message.split('\n')[0] ?? 'YAML syntax error'}`);
  }
  if (r.errors.length) {
    throw new ProvisionerError(r.errors.join('\n'), ProvisionerErrorCode.LabFileInvalid, { errors: r.errors });
  }
  const top = r.map(doc.contents, 'lab file', [
    'name',
    'parent',
    'access',
    'images',
    'installer',
    'timeouts',
    'keep_image',
    'pools',
  ]);
  const base = dirname(resolve(file));
  const spec: NestedLabSpec = {
    file: resolve(file),
    name: '',
    parent: { inventory: '', pool: '', sr: 'local' },
    access: { credential: '', password: '' },
    images: {},
    installer: {
      bootCommand: 'xcp-ng-boot-installer',
      existingInstallation: 'xvda',
      answerFileDir: '/var/lib/shakedown/answerfiles',
    },
    timeouts: { bootMs: 600_000, xapiMs: 300_000, joinMs: 300_000, upgradeMs: 3_600_000 },
    keepImage: true,
    pools: [],
  };
  if (top) {
    spec.name =
      r.string(top, 'name', 'lab file', {
        required: true,
        pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
        hint: 'must be letters, digits and ._-',
      }) ?? '';
    const p = top.get('parent')
      ? r.map(top.get('parent'), 'parent', ['inventory', 'pool', 'host', 'sr', 'network'])
      : (r.error(r.self(top), 'lab file: "parent" is required'), undefined);
    if (p) {
      const inv = r.string(p, 'inventory', 'parent', { required: true });
      spec.parent = {
        inventory: inv ? resolve(base, inv) : '',
        pool: r.string(p, 'pool', 'parent', { required: true }) ?? '',
        sr: r.string(p, 'sr', 'parent') ?? 'local',
      };
      const host = r.string(p, 'host', 'parent');
      if (host) spec.parent.host = host;
      const network = r.string(p, 'network', 'parent');
      if (network) spec.parent.network = network;
    }
    const a = top.get('access')
      ? r.map(top.get('access'), 'access', ['credential', 'password'])
      : (r.error(r.self(top), 'lab file: "access" is required'), undefined);
    if (a) {
      spec.access = {
        credential: r.string(a, 'credential', 'access', { required: true }) ?? '',
        password: r.string(a, 'password', 'access', { required: true }) ?? '',
      };
    }
    const imgNode = top.get('images');
    if (isMap(imgNode)) {
      // Keys are versions, not fixed names: read them here rather than through r.map.
      for (const pair of imgNode.items) {
        const keyNode = pair.key as Node | null;
        const version = isScalar(keyNode) ? String(keyNode.value) : '';
        if (!VERSION.test(version)) {
          r.error(keyNode, `images: key "${version}" must be an XCP-ng version like 8.2.1`);
          continue;
        }
        const src = readImage(r, pair.value as Node | null, `images: ${version}`);
        if (src) spec.images[version] = src;
      }
    } else r.error(imgNode ?? r.self(top), 'lab file: "images" is required (version → path or url)');
    const inst = top.get('installer');
    if (inst) {
      const i = r.map(inst, 'installer', ['boot_command', 'existing_installation', 'answerfile_dir']);
      if (i) {
        spec.installer = {
          bootCommand:
            r.string(i, 'boot_command', 'installer', {
              pattern: /^[A-Za-z0-9_./-]+$/,
              hint: 'must be a command name or path',
            }) ?? spec.installer.bootCommand,
          existingInstallation:
            r.string(i, 'existing_installation', 'installer', {
              pattern: /^[a-z0-9/]+$/,
              hint: 'must be a disk name such as xvda',
            }) ?? spec.installer.existingInstallation,
          answerFileDir:
            r.string(i, 'answerfile_dir', 'installer', {
              pattern: /^\/[A-Za-z0-9_./-]*$/,
              hint: 'must be an absolute path',
            }) ?? spec.installer.answerFileDir,
        };
      }
    }
    const t = top.get('timeouts');
    if (t) {
      const tm = r.map(t, 'timeouts', ['boot', 'xapi', 'join', 'upgrade']);
      if (tm) {
        spec.timeouts = {
          bootMs: r.duration(tm, 'boot', 'timeouts', spec.timeouts.bootMs),
          xapiMs: r.duration(tm, 'xapi', 'timeouts', spec.timeouts.xapiMs),
          joinMs: r.duration(tm, 'join', 'timeouts', spec.timeouts.joinMs),
          upgradeMs: r.duration(tm, 'upgrade', 'timeouts', spec.timeouts.upgradeMs),
        };
      }
    }
    spec.keepImage = r.boolean(top, 'keep_image', 'lab file', true);
    const poolsNode = top.get('pools');
    if (!poolsNode) r.error(r.self(top), 'lab file: "pools" is required');
    else {
      const names = new Set<string>();
      r.seq(poolsNode, 'pools').forEach((n, i) => {
        const pool = readPool(r, n, i, spec.images);
        if (!pool) return;
        if (names.has(pool.name)) r.error(n, `pools[${i}]: pool name ${pool.name} used twice`);
        names.add(pool.name);
        spec.pools.push(pool);
      });
    }
  }
  if (r.errors.length) {
    throw new ProvisionerError(r.errors.join('\n'), ProvisionerErrorCode.LabFileInvalid, { errors: r.errors });
  }
  return spec;
}

export async function loadNestedLabFile(path: string): Promise<NestedLabSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ProvisionerError(
      `cannot read nested lab file ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      ProvisionerErrorCode.LabFileUnreadable,
    );
  }
  return parseNestedLab(text, path);
}

import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Document, LineCounter, Node, isMap, isScalar, isSeq } from 'yaml';
import { parseUntrustedYaml, yamlShapeProblem } from 'src/common/input/yaml-limits';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';
import { Inventory, InventoryHost, InventoryPool } from 'src/lab/inventory.types';
import { isFingerprint } from 'src/remote/host-key';
import { CredentialRef } from 'src/remote/ssh-target';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERSION = /^\d+\.\d+(\.\d+)*$/;
const TAG = /^[a-z0-9][a-z0-9:._-]*$/;

/** Walks the YAML tree, reading typed values and collecting every problem with its position. */
class Reader {
  readonly errors: string[] = [];

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  error(node: Node | null | undefined, message: string): void {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    this.errors.push(`${this.file}:${line}:${col}: ${message}`);
  }

  /** The entries of a mapping, rejecting keys outside `allowed`. */
  map(node: unknown, where: string, allowed: readonly string[]): Map<string, Node | null> | undefined {
    if (!isMap(node)) {
      this.error(node as Node, `${where} must be a mapping`);
      return undefined;
    }
    const out = new Map<string, Node | null>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.error(keyNode, `${where}: keys must be plain strings`);
        continue;
      }
      if (!allowed.includes(key)) {
        this.error(keyNode, `${where}: unknown key "${key}" (allowed: ${allowed.join(', ')})`);
        continue;
      }
      if (out.has(key)) this.error(keyNode, `${where}: "${key}" appears twice`);
      out.set(key, pair.value as Node | null);
    }
    return out;
  }

  string(
    m: Map<string, Node | null>,
    key: string,
    where: string,
    opts: { required?: boolean; pattern?: RegExp | ((value: string) => boolean); hint?: string } = {},
  ): string | undefined {
    if (!m.has(key)) {
      if (opts.required) this.error(this.anchor(m), `${where}: "${key}" is required`);
      return undefined;
    }
    const node = m.get(key);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.error(node, `${where}: "${key}" must be a non-empty string`);
      return undefined;
    }
    const ok = typeof opts.pattern === 'function' ? opts.pattern(node.value) : (opts.pattern?.test(node.value) ?? true);
    if (!ok) {
      this.error(node, `${where}: "${key}" ${opts.hint ?? 'is not valid'}, got "${node.value}"`);
      return undefined;
    }
    return node.value;
  }

  boolean(m: Map<string, Node | null>, key: string, where: string): boolean | undefined {
    if (!m.has(key)) return undefined;
    const node = m.get(key);
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.error(node, `${where}: "${key}" must be true or false`);
      return undefined;
    }
    return node.value;
  }

  port(m: Map<string, Node | null>, key: string, where: string, min: number): number | undefined {
    if (!m.has(key)) return undefined;
    const node = m.get(key);
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 65535) {
      this.error(node, `${where}: "${key}" must be an integer port from ${min} to 65535`);
      return undefined;
    }
    return v;
  }

  tags(m: Map<string, Node | null>, where: string): string[] {
    if (!m.has('tags')) return [];
    const node = m.get('tags');
    if (!isSeq(node)) {
      this.error(node, `${where}: "tags" must be a list`);
      return [];
    }
    const tags: string[] = [];
    for (const item of node.items as Node[]) {
      if (isScalar(item) && typeof item.value === 'string' && TAG.test(item.value)) tags.push(item.value);
      else this.error(item, `${where}: a tag must be lowercase letters, digits and ":._-", e.g. sr:nfs`);
    }
    return tags;
  }

  seq(node: Node | null | undefined, where: string): Node[] {
    if (!isSeq(node) || node.items.length === 0) {
      this.error(node, `${where} must be a non-empty list`);
      return [];
    }
    return node.items as Node[];
  }

  /** Where to point when a key is missing: the mapping itself (approximated by its first key). */
  private anchor(m: Map<string, Node | null>): Node | null | undefined {
    return this.mapNodes.get(m);
  }

  readonly mapNodes = new WeakMap<Map<string, Node | null>, Node | null | undefined>();
}

function readCredential(r: Reader, name: string, node: Node | null): CredentialRef | undefined {
  const where = `credentials.${name}`;
  if (isMap(node) && node.items.some((p) => isScalar(p.key) && p.key.value === 'password')) {
    r.error(node, `${where}: inline passwords are not allowed; use password_env or password_file`);
    return undefined;
  }
  const m = r.map(node, where, ['key_file', 'passphrase_env', 'password_env', 'password_file', 'agent']);
  if (!m) return undefined;
  r.mapNodes.set(m, node);
  const forms = ['key_file', 'password_env', 'password_file', 'agent'].filter((k) => m.has(k));
  if (forms.length !== 1) {
    r.error(
      node,
      `${where}: give exactly one of key_file, password_env, password_file, agent (got ${forms.join(', ') || 'none'})`,
    );
    return undefined;
  }
  if (m.has('passphrase_env') && !m.has('key_file')) {
    r.error(m.get('passphrase_env'), `${where}: passphrase_env goes with key_file`);
  }
  if (m.has('key_file')) {
    const keyFile = r.string(m, 'key_file', where);
    if (keyFile !== undefined && !isAbsolute(keyFile)) {
      r.error(m.get('key_file'), `${where}: key_file must be an absolute path`);
    }
    const passphraseEnv = r.string(m, 'passphrase_env', where, {
      pattern: ENV_VAR,
      hint: 'must be an environment variable name',
    });
    if (keyFile === undefined) return undefined;
    return passphraseEnv ? { keyFile, passphraseEnv } : { keyFile };
  }
  if (m.has('password_env')) {
    const v = r.string(m, 'password_env', where, { pattern: ENV_VAR, hint: 'must be an environment variable name' });
    return v === undefined ? undefined : { passwordEnv: v };
  }
  if (m.has('password_file')) {
    const v = r.string(m, 'password_file', where);
    if (v !== undefined && !isAbsolute(v)) {
      r.error(m.get('password_file'), `${where}: password_file must be an absolute path`);
    }
    return v === undefined ? undefined : { passwordFile: v };
  }
  if (r.boolean(m, 'agent', where) !== true) {
    r.error(m.get('agent'), `${where}: agent must be true`);
    return undefined;
  }
  return { agent: true };
}

function readHost(r: Reader, node: Node, where: string): (InventoryHost & { node: Node }) | undefined {
  const m = r.map(node, where, ['name', 'address', 'port', 'user', 'credential', 'host_key', 'version', 'tags']);
  if (!m) return undefined;
  r.mapNodes.set(m, node);
  const name = r.string(m, 'name', where, { required: true, pattern: NAME, hint: 'must be letters, digits and ._-' });
  const at = name ? `host ${name}` : where;
  const address = r.string(m, 'address', at, {
    required: true,
    pattern: /^[A-Za-z0-9.:-]+$/,
    hint: 'must be an IP address or host name',
  });
  const credential = r.string(m, 'credential', at, { required: true });
  const hostKey = r.string(m, 'host_key', at, {
    pattern: isFingerprint,
    hint: 'must be an OpenSSH fingerprint "SHA256:" + 43 base64 characters',
  });
  const version = r.string(m, 'version', at, { pattern: VERSION, hint: 'must look like 8.2.1' });
  const host = {
    name: name ?? '',
    address: address ?? '',
    port: r.port(m, 'port', at, 1) ?? 22,
    user: r.string(m, 'user', at, { pattern: /^[a-z_][a-z0-9_-]*$/, hint: 'must be a user name' }) ?? 'root',
    credential: credential ?? '',
    ...(hostKey ? { hostKey } : {}),
    ...(version ? { version } : {}),
    tags: r.tags(m, at),
    node,
  };
  return name && address && credential ? host : undefined;
}

/** Inventories list hosts: thousands fit in a small fraction of this. */
const MAX_INVENTORY_CHARS = 1024 * 1024;

/** Parses and validates an inventory; every problem is reported as `file:line:col: message`. */
export function parseInventory(text: string, file = 'inventory'): Inventory {
  if (text.length > MAX_INVENTORY_CHARS) {
    throw invalid(file, [`${file}:1:1: larger than ${MAX_INVENTORY_CHARS} characters; an inventory is far smaller`]);
  }
  const shape = yamlShapeProblem(text);
  if (shape) throw invalid(file, [`${file}:${shape.line}:${shape.col}: YAML ${shape.message}`]);
  const lines = new LineCounter();
  const doc: Document = parseUntrustedYaml(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const r = new Reader(file, lines);
  for (const e of doc.errors) {
    const { line, col } = lines.linePos(e.pos[0]);
    r.errors.push(`${file}:${line}:${col}: ${e.message.split('\n')[0]}`);
  }
  if (r.errors.length) throw invalid(file, r.errors);

  const root = r.map(doc.contents, 'the inventory', [
    'name',
    'simulated',
    'control_url',
    'credentials',
    'guest_credential',
    'guest_port',
    'pools',
  ]);
  if (!root) throw invalid(file, r.errors);
  r.mapNodes.set(root, doc.contents);
  const name = r.string(root, 'name', 'the inventory', {
    required: true,
    pattern: NAME,
    hint: 'must be letters, digits and ._-',
  });
  const controlUrl = r.string(root, 'control_url', 'the inventory', {
    pattern: /^https?:\/\/\S+$/,
    hint: 'must be an http(s) URL',
  });

  const credentials: Record<string, CredentialRef> = {};
  const credNode = root.get('credentials');
  if (!root.has('credentials')) r.error(doc.contents, 'the inventory: "credentials" is required');
  else if (isMap(credNode)) {
    for (const pair of credNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!NAME.test(key)) {
        r.error(pair.key as Node, `credentials: "${key}" is not a valid credential name`);
        continue;
      }
      const ref = readCredential(r, key, pair.value as Node | null);
      if (ref) credentials[key] = ref;
    }
  } else r.error(credNode, 'the inventory: "credentials" must be a mapping of names to references');

  const guestCredential = r.string(root, 'guest_credential', 'the inventory');
  if (guestCredential !== undefined && !(guestCredential in credentials)) {
    r.error(root.get('guest_credential'), `guest_credential "${guestCredential}" is not one of credentials`);
  }

  const pools: InventoryPool[] = [];
  const seenHosts = new Map<string, string>();
  const seenPools = new Set<string>();
  const poolItems = root.has('pools')
    ? r.seq(root.get('pools'), 'pools')
    : (r.error(doc.contents, 'the inventory: "pools" is required'), []);
  for (const [i, poolNode] of poolItems.entries()) {
    const where = `pools[${i}]`;
    const pm = r.map(poolNode, where, ['name', 'master', 'tags', 'hosts', 'xapi_credential']);
    if (!pm) continue;
    r.mapNodes.set(pm, poolNode);
    const poolName = r.string(pm, 'name', where, {
      required: true,
      pattern: NAME,
      hint: 'must be letters, digits and ._-',
    });
    const at = poolName ? `pool ${poolName}` : where;
    if (poolName && seenPools.has(poolName)) r.error(pm.get('name'), `${at}: pool name used twice`);
    if (poolName) seenPools.add(poolName);
    const master = r.string(pm, 'master', at, { required: true });
    const xapiCredential = r.string(pm, 'xapi_credential', at);
    if (xapiCredential !== undefined && isMap(credNode)) {
      const ref = credentials[xapiCredential];
      if (!ref) {
        r.error(
          pm.get('xapi_credential'),
          `${at}: xapi_credential "${xapiCredential}" is not one of credentials (${Object.keys(credentials).join(', ')})`,
        );
      } else if (!('passwordEnv' in ref) && !('passwordFile' in ref)) {
        // xe hands it to the remote master as remote-password=: only a password can go there.
        r.error(
          pm.get('xapi_credential'),
          `${at}: xapi_credential "${xapiCredential}" must be a password reference (password_env or password_file)`,
        );
      }
    }
    const hosts: InventoryHost[] = [];
    const hostItems = pm.has('hosts')
      ? r.seq(pm.get('hosts'), `${at}: hosts`)
      : (r.error(poolNode, `${at}: "hosts" is required`), []);
    for (const [j, hostNode] of hostItems.entries()) {
      const h = readHost(r, hostNode, `${at}: hosts[${j}]`);
      if (!h) continue;
      const { node, ...host } = h;
      if (seenHosts.has(host.name)) {
        r.error(node, `host ${host.name}: name already used in pool ${seenHosts.get(host.name)}`);
      }
      seenHosts.set(host.name, poolName ?? where);
      if (!(host.credential in credentials) && isMap(credNode)) {
        r.error(
          node,
          `host ${host.name}: credential "${host.credential}" is not one of credentials (${Object.keys(credentials).join(', ')})`,
        );
      }
      hosts.push(host);
    }
    if (master && hosts.length && !hosts.some((h) => h.name === master)) {
      r.error(
        pm.get('master'),
        `${at}: master "${master}" is not one of its hosts (${hosts.map((h) => h.name).join(', ')})`,
      );
    }
    if (poolName && master) {
      pools.push({
        name: poolName,
        master,
        tags: r.tags(pm, at),
        hosts,
        ...(xapiCredential ? { xapiCredential } : {}),
      });
    }
  }

  const inventory: Inventory = {
    name: name ?? '',
    simulated: r.boolean(root, 'simulated', 'the inventory') ?? false,
    ...(controlUrl ? { controlUrl } : {}),
    credentials,
    ...(guestCredential ? { guestCredential } : {}),
    ...(root.has('guest_port') ? { guestPort: r.port(root, 'guest_port', 'the inventory', 0) } : {}),
    pools,
  };
  if (r.errors.length) throw invalid(file, r.errors);
  return inventory;
}

function invalid(file: string, found: string[]): LabError {
  const position = (e: string): [number, number] => {
    const m = /:(\d+):(\d+): /.exec(e.slice(file.length));
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  // Reported in file order, whatever order the checks ran in.
  const errors = [...found].sort((a, b) => {
    const [la, ca] = position(a);
    const [lb, cb] = position(b);
    return la - lb || ca - cb;
  });
  return new LabError(`${file}: invalid inventory:\n${errors.join('\n')}`, LabErrorCode.InventoryInvalid, { errors });
}

export async function loadInventoryFile(path: string): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LabError(
      `${path}: cannot read the inventory (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      LabErrorCode.InventoryUnreadable,
    );
  }
  return parseInventory(text, path);
}

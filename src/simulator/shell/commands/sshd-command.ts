import { posix } from 'node:path';
import { CommandIo, ShellEnv } from 'src/simulator/shell/shell-types';
import { normalisePath } from 'src/simulator/shell/vfs';

/**
 * dom0's OpenSSH server (7.4p1 on XCP-ng 8.2.1 and 8.3.0, as CentOS 7 ships it): `sshd -T` prints
 * the configuration sshd would apply, `sshd -t` only checks it. Both read /etc/ssh/sshd_config and
 * the files its `Include` lines name (glob, sorted), in order, the first value of a keyword winning
 * (servconf.c); `-o` options come before the files, so they win. An unknown keyword is fatal. Run
 * as a daemon it cannot bind port 22: the lab's own SSH server (the simulator) already has it.
 */

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const SSHD_CONFIG_D = '/etc/ssh/sshd_config.d';

/** The packaged sshd_config of XCP-ng: CentOS 7's, with the drop-in folder included first. */
export const SSHD_CONFIG_TEXT = [
  '#\t$OpenBSD: sshd_config,v 1.100 2016/08/15 12:32:04 naddy Exp $',
  '',
  '# Drop-in configuration is read first: the first value obtained for a keyword is used.',
  `Include ${SSHD_CONFIG_D}/*.conf`,
  '',
  'HostKey /etc/ssh/ssh_host_rsa_key',
  'HostKey /etc/ssh/ssh_host_ecdsa_key',
  'HostKey /etc/ssh/ssh_host_ed25519_key',
  '',
  'SyslogFacility AUTHPRIV',
  '',
  'AuthorizedKeysFile\t.ssh/authorized_keys',
  '',
  'PasswordAuthentication yes',
  'ChallengeResponseAuthentication no',
  '',
  'GSSAPIAuthentication yes',
  'GSSAPICleanupCredentials no',
  '',
  'UsePAM yes',
  '',
  'X11Forwarding yes',
  'UsePrivilegeSeparation sandbox',
  '',
  'AcceptEnv LANG LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES',
  'AcceptEnv LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT',
  'AcceptEnv LC_IDENTIFICATION LC_ALL LANGUAGE',
  'AcceptEnv XMODIFIERS',
  '',
  'Subsystem\tsftp\t/usr/libexec/openssh/sftp-server',
  '',
].join('\n');

/** Keywords of 7.4 with their default as `-T` prints it; listed ones may repeat and accumulate. */
const SINGLE: Array<[string, string]> = [
  ['port', '22'],
  ['addressfamily', 'any'],
  ['logingracetime', '120'],
  ['x11displayoffset', '10'],
  ['maxauthtries', '6'],
  ['maxsessions', '10'],
  ['clientaliveinterval', '0'],
  ['clientalivecountmax', '3'],
  ['permitrootlogin', 'yes'],
  ['ignorerhosts', 'yes'],
  ['ignoreuserknownhosts', 'no'],
  ['rhostsrsaauthentication', 'no'],
  ['hostbasedauthentication', 'no'],
  ['hostbasedusesnamefrompacketonly', 'no'],
  ['rsaauthentication', 'yes'],
  ['pubkeyauthentication', 'yes'],
  ['kerberosauthentication', 'no'],
  ['kerberosorlocalpasswd', 'yes'],
  ['kerberosticketcleanup', 'yes'],
  ['gssapiauthentication', 'no'],
  ['gssapicleanupcredentials', 'yes'],
  ['gssapikeyexchange', 'no'],
  ['gssapistrictacceptorcheck', 'yes'],
  ['gssapistorecredentialsonrekey', 'no'],
  ['gssapikexalgorithms', 'gss-gex-sha1-,gss-group1-sha1-,gss-group14-sha1-'],
  ['passwordauthentication', 'yes'],
  ['kbdinteractiveauthentication', 'no'],
  ['challengeresponseauthentication', 'yes'],
  ['printmotd', 'yes'],
  ['printlastlog', 'yes'],
  ['x11forwarding', 'no'],
  ['x11uselocalhost', 'yes'],
  ['permittty', 'yes'],
  ['permituserrc', 'yes'],
  ['strictmodes', 'yes'],
  ['tcpkeepalive', 'yes'],
  ['permitemptypasswords', 'no'],
  ['permituserenvironment', 'no'],
  ['uselogin', 'no'],
  ['compression', 'delayed'],
  ['gatewayports', 'no'],
  ['showpatchlevel', 'no'],
  ['usedns', 'yes'],
  ['allowtcpforwarding', 'yes'],
  ['allowagentforwarding', 'yes'],
  ['disableforwarding', 'no'],
  ['allowstreamlocalforwarding', 'yes'],
  ['streamlocalbindunlink', 'no'],
  ['useprivilegeseparation', 'sandbox'],
  ['fingerprinthash', 'SHA256'],
  ['pidfile', '/var/run/sshd.pid'],
  ['xauthlocation', '/usr/bin/xauth'],
  [
    'ciphers',
    'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-cbc,aes192-cbc,aes256-cbc,blowfish-cbc,cast128-cbc,3des-cbc',
  ],
  [
    'macs',
    'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1',
  ],
  ['banner', 'none'],
  ['forcecommand', 'none'],
  ['chrootdirectory', 'none'],
  ['trustedusercakeys', 'none'],
  ['revokedkeys', 'none'],
  ['authorizedprincipalsfile', 'none'],
  ['versionaddendum', 'none'],
  ['authorizedkeyscommand', 'none'],
  ['authorizedkeyscommanduser', 'none'],
  ['authorizedprincipalscommand', 'none'],
  ['authorizedprincipalscommanduser', 'none'],
  ['hostkeyagent', 'none'],
  [
    'kexalgorithms',
    'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1',
  ],
  ['hostbasedacceptedkeytypes', 'ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519-cert-v01@openssh.com,ssh-rsa'],
  ['hostkeyalgorithms', 'ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519-cert-v01@openssh.com,ssh-rsa'],
  ['pubkeyacceptedkeytypes', 'ecdsa-sha2-nistp256-cert-v01@openssh.com,ssh-ed25519-cert-v01@openssh.com,ssh-rsa'],
  ['loglevel', 'INFO'],
  ['syslogfacility', 'AUTH'],
  ['authorizedkeysfile', '.ssh/authorized_keys'],
  ['maxstartups', '10:30:100'],
  ['permittunnel', 'no'],
  ['ipqos', 'lowdelay throughput'],
  ['rekeylimit', '0 0'],
  ['permitopen', 'any'],
  ['usepam', 'no'],
];
const MULTI = ['hostkey', 'acceptenv', 'subsystem', 'listenaddress', 'allowusers', 'denyusers', 'allowgroups'];
const KNOWN = new Set([...SINGLE.map(([k]) => k), ...MULTI, 'include', 'match', 'denygroups', 'hostcertificate']);

interface Parsed {
  values: Map<string, string>;
  lists: Map<string, string[]>;
  errors: string[];
  /** the files that could not be read */
  missing: string;
}

/** Reads one file as servconf.c's process_server_config_line does, following `Include`. */
async function parseFile(env: ShellEnv, path: string, into: Parsed, depth: number): Promise<void> {
  const text = (await env.vfs.read(path))?.toString('utf8');
  if (text === undefined) {
    if (depth === 0) into.missing = path;
    return;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (!line) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line) ?? [line, line, ''];
    const key = m[1].toLowerCase();
    const arg = m[2].trim();
    const where = `${path} line ${i + 1}`;
    if (!KNOWN.has(key)) {
      into.errors.push(`${path}: line ${i + 1}: Bad configuration option: ${m[1]}`);
      continue;
    }
    if (!arg) {
      into.errors.push(`${where}: missing argument.`);
      continue;
    }
    // Without -C, a Match block only applies to connections that match it: sshd -T skips it.
    if (key === 'match') return;
    if (key === 'include') {
      for (const pattern of arg.split(/\s+/)) await include(env, pattern, into, depth);
      continue;
    }
    if (MULTI.includes(key)) {
      const list = into.lists.get(key) ?? [];
      if (key === 'subsystem') list.push(arg.replace(/\s+/g, ' '));
      else list.push(...arg.split(/\s+/));
      into.lists.set(key, list);
    } else if (!into.values.has(key)) {
      into.values.set(key, arg);
    }
  }
}

/** `Include` takes a glob relative to /etc/ssh; the matches are read in lexical order. */
async function include(env: ShellEnv, pattern: string, into: Parsed, depth: number): Promise<void> {
  const abs = normalisePath(pattern, '/etc/ssh');
  const dir = posix.dirname(abs);
  const glob = posix.basename(abs);
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  const names = ((await env.vfs.list(dir)) ?? []).filter((n) => re.test(n)).sort();
  for (const n of names) await parseFile(env, `${dir}/${n}`, into, depth + 1);
}

const USAGE = [
  'OpenSSH_7.4p1, OpenSSL 1.0.2k-fips  26 Jan 2017',
  'usage: sshd [-46DdeiqTt] [-C connection_spec] [-c host_cert_file]',
  '            [-E log_file] [-f config_file] [-g login_grace_time]',
  '            [-h host_key_file] [-o option] [-p port] [-u len]',
  '',
].join('\n');

export async function sshd(io: CommandIo, env: ShellEnv): Promise<number> {
  let mode: 'daemon' | 'test' | 'dump' = 'daemon';
  let config = SSHD_CONFIG;
  const parsed: Parsed = { values: new Map(), lists: new Map(), errors: [], missing: '' };
  const options: string[] = [];
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i]!;
    if (a === '-T') mode = 'dump';
    else if (a === '-t') mode = mode === 'dump' ? 'dump' : 'test';
    else if (a === '-f' || a === '-o') {
      const v = io.argv[++i];
      if (v === undefined) {
        io.err(`sshd: option requires an argument -- '${a.slice(1)}'\n${USAGE}`);
        return 1;
      }
      if (a === '-f') config = normalisePath(v, io.shell?.cwd ?? '/root');
      else options.push(v);
    } else if (/^-[46Ddeiq]+$/.test(a)) continue;
    else {
      io.err(`${/^-./.test(a) ? `sshd: invalid option -- '${a.slice(1, 2)}'\n` : ''}${USAGE}`);
      return 1;
    }
  }
  for (const o of options) {
    const [k, ...v] = o.split(/[=\s]+/);
    const key = (k ?? '').toLowerCase();
    if (!KNOWN.has(key)) {
      io.err(`command-line line 0: Bad configuration option: ${k}\n`);
      return 255;
    }
    if (!parsed.values.has(key)) parsed.values.set(key, v.join(' '));
  }
  await parseFile(env, config, parsed, 0);
  if (parsed.missing) {
    io.err(`${parsed.missing}: No such file or directory\n`);
    return 1;
  }
  if (parsed.errors.length) {
    io.err(parsed.errors.map((e) => `${e}\n`).join(''));
    io.err(`${config}: terminating, ${parsed.errors.length} bad configuration options\n`);
    return 255;
  }
  if (mode === 'test') return 0;
  if (mode === 'daemon') {
    io.err('Bind to port 22 on 0.0.0.0 failed: Address already in use.\nCannot bind any address.\n');
    return 255;
  }
  const port = parsed.values.get('port') ?? '22';
  const out: string[] = [];
  for (const [k, def] of SINGLE) {
    out.push(`${k} ${k === 'port' ? port : (parsed.values.get(k) ?? def)}`);
    if (k === 'addressfamily') {
      const listen = parsed.lists.get('listenaddress') ?? ['[::]', '0.0.0.0'];
      out.push(...listen.map((a) => `listenaddress ${a.includes(':') && !a.startsWith('[') ? `[${a}]` : a}:${port}`));
    }
  }
  for (const k of MULTI.filter((m) => m !== 'listenaddress')) {
    for (const v of parsed.lists.get(k) ?? []) out.push(`${k} ${v}`);
  }
  io.out(`${out.join('\n')}\n`);
  return 0;
}

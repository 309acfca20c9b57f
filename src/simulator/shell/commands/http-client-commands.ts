import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIPv4 } from 'node:net';
import { posix } from 'node:path';
import { LabModel } from 'src/simulator/model/lab-model';
import { CommandIo, CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * `curl` and `wget` on simulated hosts and guests. They reach the lab's own addresses only (hosts,
 * guests; `localhost` is the machine itself), always on loopback; any other destination fails as
 * an unreachable host does (curl exit 7, wget exit 4) without a packet leaving the process.
 */

interface Fetched {
  status: number;
  statusText: string;
  /** the header block as received (`Name: value` lines) */
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  url: string;
}

type FetchFailure = { kind: 'unreachable' | 'refused' | 'tls' | 'timeout' | 'url'; host: string; port: number };

/** Where a request leaves from: the lab it can reach, and the machine's own address (`localhost`). */
interface FetchOrigin {
  model: LabModel;
  self: string;
}

interface FetchOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  insecure: boolean;
  timeoutMs: number;
}

function labAddresses(model: LabModel): Set<string> {
  const out = new Set<string>();
  for (const h of model.state.hosts.values()) out.add(h.address);
  for (const v of model.state.vms.values()) if (v.guest.address) out.add(v.guest.address);
  return out;
}

/** The machine's own address, what `localhost` means on it. */
function originOf(env: ShellEnv): FetchOrigin {
  return { model: env.model, self: env.kind === 'guest' ? (env.vm?.guest.address ?? '') : env.host().address };
}

async function fetchOnce(
  from: FetchOrigin,
  url: URL,
  opts: FetchOptions,
  signal: AbortSignal,
): Promise<Fetched | FetchFailure> {
  const https = url.protocol === 'https:';
  const port = url.port ? parseInt(url.port, 10) : https ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'url', host, port };
  const target = host === 'localhost' || host === '127.0.0.1' ? from.self : host;
  // Only lab addresses, and only loopback ones: nothing here may reach a real network.
  if (!isIPv4(target) || !target.startsWith('127.') || !labAddresses(from.model).has(target)) {
    return { kind: 'unreachable', host, port };
  }
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(
      {
        host: target,
        port,
        ...(from.self ? { localAddress: from.self } : {}), // the machine's own address, as a server sees it
        method: opts.method,
        path: `${url.pathname}${url.search}`,
        headers: { Host: url.host, 'User-Agent': 'curl/7.29.0', Accept: '*/*', ...opts.headers },
        rejectUnauthorized: !opts.insecure,
        servername: undefined,
        signal,
        timeout: opts.timeoutMs,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            rawHeaders: raw,
            headers: res.headers,
            body: Buffer.concat(chunks),
            url: url.toString(),
          });
        });
        res.on('error', () => resolve({ kind: 'refused', host, port }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ kind: 'timeout', host, port });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const tls = /CERT|SSL|self.signed|TLS/i.test(`${err.code ?? ''} ${err.message}`);
      resolve({ kind: tls ? 'tls' : 'refused', host, port });
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** One request, following redirects when asked (at most 50, as curl); never leaves the lab. */
export async function fetchFollowing(
  from: FetchOrigin,
  start: string,
  opts: FetchOptions,
  follow: boolean,
  signal: AbortSignal,
): Promise<Fetched | FetchFailure> {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(start) ? start : `http://${start}`);
  } catch {
    return { kind: 'url', host: start, port: 0 };
  }
  for (let hops = 0; ; hops++) {
    const r = await fetchOnce(from, url, opts, signal);
    const location = 'status' in r ? r.headers['location'] : undefined;
    if (!follow || !('status' in r) || r.status < 300 || r.status > 399 || typeof location !== 'string' || hops >= 50) {
      return r;
    }
    url = new URL(location, url);
  }
}

const write = async (io: CommandIo, file: string, data: Buffer): Promise<void> => {
  const fs = io.shell?.fs;
  if (!fs) return;
  await fs.writeFile(posix.resolve(io.shell?.cwd ?? '/root', file), data);
};

const CURL_VALUE = new Set(['-o', '-X', '-H', '-d', '-m', '-u', '-w', '-A', '--connect-timeout']);
const CURL_LONG: Record<string, string> = {
  '--output': '-o',
  '--request': '-X',
  '--header': '-H',
  '--data': '-d',
  '--data-raw': '-d',
  '--max-time': '-m',
  '--user': '-u',
  '--write-out': '-w',
  '--user-agent': '-A',
  '--silent': '-s',
  '--show-error': '-S',
  '--fail': '-f',
  '--location': '-L',
  '--insecure': '-k',
  '--head': '-I',
  '--include': '-i',
  '--remote-name': '-O',
  '--verbose': '-v',
  '--connect-timeout': '--connect-timeout',
};

/** curl 7.29 (CentOS 7): -s -S -f -L -k -I -i -o -O -X -H -d -u -m -w '%{http_code}'. */
async function curl(io: CommandIo, env: ShellEnv): Promise<number> {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  let target: string | undefined;
  for (let i = 0; i < io.argv.length; i++) {
    let a = io.argv[i]!;
    let glued: string | undefined;
    if (a.startsWith('--')) {
      [a, glued] = a.split(/=(.*)/s, 2) as [string, string | undefined];
      const short = CURL_LONG[a];
      if (!short) {
        io.err(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
        return 2;
      }
      a = short;
    } else if (/^-[a-zA-Z]{2,}$/.test(a) && !CURL_VALUE.has(a.slice(0, 2))) {
      // bundled flags such as -fsSL; a value flag may end the bundle (-sSo file)
      const letters = a.slice(1).split('');
      const lastValue = CURL_VALUE.has(`-${letters[letters.length - 1]}`);
      for (const l of lastValue ? letters.slice(0, -1) : letters) flags.add(`-${l}`);
      if (!lastValue) continue;
      a = `-${letters[letters.length - 1]}`;
    } else if (/^-[a-zA-Z]./.test(a) && CURL_VALUE.has(a.slice(0, 2))) {
      glued = a.slice(2);
      a = a.slice(0, 2);
    }
    if (CURL_VALUE.has(a)) {
      const v = glued ?? io.argv[++i];
      if (v === undefined) {
        io.err(`curl: option ${a}: requires parameter\n`);
        return 2;
      }
      values.set(a, [...(values.get(a) ?? []), v]);
    } else if (a.startsWith('-') && a.length > 1) flags.add(a);
    else target = a;
  }
  const silent = flags.has('-s');
  const fail = (code: number, msg: string): number => {
    if (!silent || flags.has('-S')) io.err(`curl: (${code}) ${msg}\n`);
    return code;
  };
  if (!target) {
    io.err("curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const headers: Record<string, string> = {};
  for (const h of values.get('-H') ?? []) {
    const at = h.indexOf(':');
    if (at > 0) headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
  }
  const user = values.get('-u')?.[0];
  if (user) headers['Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
  const agent = values.get('-A')?.[0];
  if (agent) headers['User-Agent'] = agent;
  const data = values.get('-d')?.join('&');
  if (data !== undefined) headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  const method = values.get('-X')?.[0] ?? (flags.has('-I') ? 'HEAD' : data !== undefined ? 'POST' : 'GET');
  const maxTime = parseFloat(values.get('-m')?.[0] ?? '0');
  const r = await fetchFollowing(
    originOf(env),
    target,
    { method, headers, body: data, insecure: flags.has('-k'), timeoutMs: maxTime > 0 ? maxTime * 1000 : 300_000 },
    flags.has('-L'),
    io.signal,
  );
  if (!('status' in r)) {
    switch (r.kind) {
      case 'url':
        return fail(3, '<url> malformed');
      case 'tls':
        return fail(
          60,
          "Peer's certificate issuer has been marked as not trusted by the user.\nMore details here: http://curl.haxx.se/docs/sslcerts.html",
        );
      case 'timeout':
        return fail(28, `Operation timed out after ${maxTime * 1000} milliseconds with 0 out of -1 bytes received`);
      case 'refused':
        return fail(7, `Failed connect to ${r.host}:${r.port}; Connection refused`);
      case 'unreachable':
        return fail(7, `Failed connect to ${r.host}:${r.port}; No route to host`);
    }
  }
  if (flags.has('-f') && r.status >= 400) {
    return fail(22, `The requested URL returned error: ${r.status} ${r.statusText}`);
  }
  const head = Buffer.from(
    `HTTP/1.1 ${r.status} ${r.statusText}\r\n${r.rawHeaders.map((h) => `${h}\r\n`).join('')}\r\n`,
  );
  const out = flags.has('-I') ? head : flags.has('-i') ? Buffer.concat([head, r.body]) : r.body;
  const file =
    values.get('-o')?.[0] ?? (flags.has('-O') ? posix.basename(new URL(r.url).pathname) || 'index.html' : undefined);
  if (file !== undefined && file !== '-') await write(io, file, out);
  else io.out(out);
  const writeOut = values.get('-w')?.[0];
  if (writeOut) io.out(writeOut.replace(/%\{http_code\}/g, String(r.status)).replace(/\\n/g, '\n'));
  return 0;
}

/** wget 1.14 (CentOS 7): -q, -nv, -O FILE|-, --no-check-certificate, -S; exit 4 network, 5 TLS, 8 HTTP error. */
async function wget(io: CommandIo, env: ShellEnv): Promise<number> {
  let quiet = false;
  let insecure = false;
  let output: string | undefined;
  let target: string | undefined;
  for (let i = 0; i < io.argv.length; i++) {
    const a = io.argv[i]!;
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-nv' || a === '--no-verbose' || a === '-S' || a === '--server-response') continue;
    else if (a === '--no-check-certificate') insecure = true;
    else if (a === '-O' || a === '--output-document') output = io.argv[++i];
    else if (a.startsWith('--output-document=')) output = a.slice(18);
    else if (/^-q?O./.test(a)) output = a.slice(a.indexOf('O') + 1);
    else if (a === '-qO') {
      quiet = true;
      output = io.argv[++i];
    } else if (a.startsWith('-')) {
      io.err(
        `wget: unrecognized option '${a}'\nUsage: wget [OPTION]... [URL]...\n\nTry \`wget --help' for more options.\n`,
      );
      return 2;
    } else target = a;
  }
  if (!target) {
    io.err("wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n");
    return 1;
  }
  const say = (s: string): void => {
    if (!quiet) io.err(s);
  };
  const r = await fetchFollowing(
    originOf(env),
    target,
    { method: 'GET', headers: {}, insecure, timeoutMs: 900_000 },
    true,
    io.signal,
  );
  if (!('status' in r)) {
    if (r.kind === 'url') {
      say(`${target}: Unsupported scheme.\n`);
      return 1;
    }
    if (r.kind === 'tls') {
      say(
        `ERROR: cannot verify ${r.host}'s certificate: Self-signed certificate encountered.\nTo connect to ${r.host} insecurely, use \`--no-check-certificate'.\n`,
      );
      return 5;
    }
    say(
      `Connecting to ${r.host}:${r.port}... failed: ${r.kind === 'refused' ? 'Connection refused' : 'No route to host'}.\n`,
    );
    return 4;
  }
  if (r.status >= 400) {
    say(`ERROR ${r.status}: ${r.statusText}.\n`);
    return 8;
  }
  const file = output ?? (posix.basename(new URL(r.url).pathname) || 'index.html');
  if (file === '-') io.out(r.body);
  else {
    await write(io, file, r.body);
    say(`'${file}' saved [${r.body.length}/${r.body.length}]\n`);
  }
  return 0;
}

export const HTTP_CLIENT_COMMANDS: CommandTable = { curl, wget };

import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Socket } from 'node:net';
import { posix } from 'node:path';
import { onNetdataConnection, onNetdataRequest } from 'src/simulator/lab/netdata-http';
import { SimHost } from 'src/simulator/model/types';
import { Vfs } from 'src/simulator/shell/shell-types';

/**
 * xapi's own web listeners on a host address: plain HTTP on 80 (xapi) and HTTPS on 443 (stunnel in
 * front of xapi), both answering with xapi's fileserver (ocaml/xapi/fileserver.ml, http_svr.ml).
 * An external plain-HTTP request is redirected to HTTPS; HTTPS serves /opt/xensource/www, with the
 * Strict-Transport-Security header only when `hsts_max_age` ≥ 0 in xapi's configuration (read
 * when xapi starts, as xapi does: after `xe-toolstack-restart`).
 */

/** The web root xapi serves (Xapi_globs.web_dir). */
const WEB_DIR = '/opt/xensource/www';
const XAPI_CONF_DIR = '/etc/xapi.conf.d';

/**
 * stunnel's [xapi] service as xapi writes it (xapi_stunnel_server.ml): `sslVersion = TLSv1.2`,
 * `curve = secp384r1`, `options = CIPHER_SERVER_PREFERENCE`, ciphers = Xcp_const.good_ciphersuites.
 */
const STUNNEL_TLS = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.2',
  ciphers: 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256',
  ecdhCurve: 'secp384r1',
  honorCipherOrder: true,
} as const;

/** xapi's configuration as it was when xapi last started, per host. */
const started = new WeakMap<SimHost, { hstsMaxAge: number }>();

/** xapi reads /etc/xapi.conf then /etc/xapi.conf.d/*.conf in name order; a later key wins. */
export async function startXapiConfig(host: SimHost, vfs: Vfs): Promise<void> {
  let hstsMaxAge = -1; // Xapi_globs.hsts_max_age: disabled by default
  const names = ((await vfs.list(XAPI_CONF_DIR)) ?? []).filter((n) => n.endsWith('.conf')).sort();
  for (const name of names) {
    const text = (await vfs.read(`${XAPI_CONF_DIR}/${name}`))?.toString('utf8') ?? '';
    for (const line of text.split('\n')) {
      const m = /^\s*hsts_max_age\s*=\s*(-?\d+)\s*$/.exec(line);
      if (m) hstsMaxAge = parseInt(m[1]!, 10);
    }
  }
  started.set(host, { hstsMaxAge });
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;', '&': '&amp;' };
const MISSING = (uri: string): string =>
  `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"> <html><head> <title>404 Not Found</title> </head><body> <h1>Not Found</h1> <p>The requested URL ${uri.replace(/[<>'"&]/g, (c) => ENTITIES[c] ?? c)} was not found on this server.</p> <hr><address>Xapi Server</address></body></html>`;

/** Writes a response with exactly these header lines, in this order (xapi's wire format, no Date). */
function send(
  res: ServerResponse,
  code: number,
  message: string,
  headers: Array<[string, string]>,
  body: string | Buffer = '',
): void {
  res.sendDate = false;
  res.statusCode = code;
  res.statusMessage = message;
  for (const [k, v] of headers) res.setHeader(k, v);
  res.end(body);
}

function forbidden(res: ServerResponse): void {
  const body = '<html><body><h1>HTTP 403 forbidden</h1>Access to the requested resource is forbidden.</body></html>';
  send(
    res,
    403,
    'Forbidden',
    [
      ['content-length', String(Buffer.byteLength(body))],
      ['content-type', 'text/html'],
      ['connection', 'close'],
      ['cache-control', 'no-cache, no-store'],
    ],
    body,
  );
}

/** Port 80: an external request without TLS goes to the same host and path over HTTPS (fileserver.ml). */
function onHttp(req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host;
  if (!host) return forbidden(res);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  send(res, 301, 'Moved Permanently', [
    ['content-length', '0'],
    ['location', `https://${host}${path}`],
  ]);
}

/** Port 443: the fileserver over the web root; a folder serves its index.html; outside it, 403. */
async function onHttps(host: SimHost, vfs: Vfs, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return forbidden(res);
  const uri = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  const file = posix.normalize(`${WEB_DIR}/${uri}`);
  if (file !== WEB_DIR && !file.startsWith(`${WEB_DIR}/`)) return forbidden(res);
  const listed = await vfs.list(file);
  const target = listed ? `${file}/index.html` : file;
  const data = await vfs.read(target);
  if (!data) {
    const body = MISSING(uri);
    return send(
      res,
      404,
      'Not Found',
      [
        ['content-length', String(Buffer.byteLength(body))],
        ['connection', 'close'],
        ['cache-control', 'no-cache, no-store'],
      ],
      body,
    );
  }
  const hsts = started.get(host)?.hstsMaxAge ?? -1;
  const headers: Array<[string, string]> = [
    ['content-length', String(data.length)],
    ['connection', 'keep-alive'],
  ];
  if (hsts >= 0) headers.push(['strict-transport-security', `max-age=${hsts}`]);
  const mime = MIME[posix.extname(target)];
  if (mime) headers.push(['content-type', mime]);
  send(res, 200, 'OK', headers, data); // node leaves the body out of a HEAD answer
}

/** A simulated host's front page, marked as what it is. */
const SIMULATED_INDEX = `<!DOCTYPE html>
<html><head><title>XCP-ng (simulated)</title></head>
<body><h1>XCP-ng</h1><p>This host is simulated by Shakedown: no real hypervisor answers here.</p></body></html>
`;

interface XapiListenersOptions {
  host: SimHost;
  vfs: Vfs & { mkdirp(path: string): Promise<void> };
  /** 80 and 443 when the lab uses real ports, 0 (ephemeral) otherwise */
  httpPort: number;
  httpsPort: number;
  /** netdata's port, 19999 on real ports (its listener answers only while netdata runs) */
  netdataPort: number;
  /** PEM of the host's server certificate and key (/etc/xensource/xapi-ssl.pem) */
  key: string;
  cert: string;
}

/** The HTTP and HTTPS listeners of one host; `ports` tells where they listen. */
export class XapiListeners {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  readonly ports = { http: 0, https: 0, netdata: 0 };

  constructor(private readonly opts: XapiListenersOptions) {}

  async start(): Promise<void> {
    const { host, vfs } = this.opts;
    if (!(await vfs.read(`${WEB_DIR}/index.html`))) {
      await vfs.mkdirp(WEB_DIR);
      await vfs.write(`${WEB_DIR}/index.html`, Buffer.from(SIMULATED_INDEX), false);
    }
    if (!started.has(host)) await startXapiConfig(host, vfs);
    const http = createHttpServer((req, res) => onHttp(req, res));
    const https = createHttpsServer({ key: this.opts.key, cert: this.opts.cert, ...STUNNEL_TLS }, (req, res) => {
      onHttps(host, vfs, req, res).catch(() => forbidden(res));
    });
    this.ports.http = await this.listen(http, this.opts.httpPort);
    this.ports.https = await this.listen(https, this.opts.httpsPort);
    const netdata = createHttpServer((req, res) => onNetdataRequest(host, req, res));
    netdata.on('connection', (s: Socket) => onNetdataConnection(host, s));
    this.ports.netdata = await this.listen(netdata, this.opts.netdataPort);
  }

  private async listen(server: Server, port: number): Promise<number> {
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.host.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    const addr = server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }
}

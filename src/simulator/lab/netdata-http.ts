import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { hostPackages } from 'src/simulator/packages/host-packages';
import { SimHost } from 'src/simulator/model/types';

/**
 * netdata's own web server on port 19999 of a host, there only while the netdata service runs (a
 * connection meanwhile is closed at once, as nothing listens). XCP-ng's netdata.conf allows
 * `netdata.conf` from localhost only (403 to anyone else); the dashboard (`/`) is what netdata-ui
 * ships, 404 without it. The host's own curl connects from the host's address, the runner's from
 * elsewhere: that is how "localhost" is told apart.
 */
export const NETDATA_PORT = 19999;

function netdataRunning(host: SimHost): boolean {
  const pk = hostPackages(host);
  return pk.installed.has('netdata') && pk.serviceStarts.has('netdata') && !pk.failedUnits.has('netdata');
}

/** Drops a connection when netdata is not running, before any byte is exchanged. */
export function onNetdataConnection(host: SimHost, socket: Socket): void {
  if (!netdataRunning(host)) socket.destroy();
}

const DASHBOARD = `<!doctype html><html><head><title>netdata dashboard (simulated)</title></head>
<body><p>netdata on a host simulated by Shakedown.</p></body></html>
`;

export function onNetdataRequest(host: SimHost, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const local = req.socket.remoteAddress === host.address;
  const reply = (code: number, type: string, body: string): void => {
    res.writeHead(code, {
      'Access-Control-Allow-Origin': '*',
      'Content-Type': type,
      Server: 'Netdata Embedded HTTP Server',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (path === '/netdata.conf') {
    if (!local) return reply(403, 'text/plain; charset=utf-8', 'You are not allowed to access this resource.');
    return reply(200, 'text/plain; charset=utf-8', '# netdata configuration (simulated)\n[global]\n');
  }
  if ((path === '/' || path === '/index.html') && hostPackages(host).installed.has('netdata-ui')) {
    return reply(200, 'text/html; charset=utf-8', DASHBOARD);
  }
  return reply(404, 'text/html; charset=utf-8', 'File does not exist, or is not accessible.');
}

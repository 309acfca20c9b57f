import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { FaultKind, FaultSpec } from 'src/simulator/faults/fault-board';
import { LabModel } from 'src/simulator/model/lab-model';
import { ping } from 'src/simulator/network/ping';
import { FaultControl, LabSnapshot } from 'src/simulator/lab/simulated-lab';
import { XCP_VERSIONS, XcpVersion } from 'src/simulator/model/types';
import { REPOS } from 'src/simulator/packages/package-catalog';
import { PublishedBuilds, PublishRequest } from 'src/simulator/packages/published-builds';
import { repoMetadata } from 'src/simulator/packages/repo-metadata';
import { SimulatorError, SimulatorErrorCode } from 'src/simulator/simulator.errors';

export interface ControlApi {
  url: string;
  close(): Promise<void>;
}

interface ControlledLab {
  faults: FaultControl;
  snapshot(): LabSnapshot;
  packages: PublishedBuilds;
  model: LabModel;
}

/** POST /ping {argv}: iputils ping from outside the lab (the runner's LAN), over the simulated network. */
async function pingFromOutside(model: LabModel, body: unknown, signal: AbortSignal): Promise<unknown> {
  const argv = (body as { argv?: unknown } | null)?.argv;
  if (!Array.isArray(argv) || argv.length > 32 || !argv.every((a) => typeof a === 'string' && a.length <= 256)) {
    throw new SimulatorError(
      'body must be {argv: string[]} (at most 32 arguments)',
      SimulatorErrorCode.BadControlRequest,
    );
  }
  let stdout = '';
  let stderr = '';
  const exitCode = await ping(model, { kind: 'outside' }, argv as string[], {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    signal,
  });
  return { stdout, stderr, exit_code: exitCode, simulated: true };
}

/** /repos/REPO/RELEASE/repodata/FILE: a release's view of one repository, as yum fetches it. */
function repoFile(packages: PublishedBuilds, path: string): { type: string; body: Buffer | string } | null {
  const m = /^\/repos\/([\w.-]+)\/([\d.]+)\/repodata\/([\w.-]+)$/.exec(path);
  if (!m || !REPOS.includes(m[1]!) || !XCP_VERSIONS.includes(m[2] as XcpVersion)) return null;
  const builds = packages.offered(m[2] as XcpVersion).filter((b) => b.repo === m[1]);
  const last = packages.list().reduce((t, b) => Math.max(t, Math.floor(b.publishedAt / 1000)), 1);
  const meta = repoMetadata(builds, last);
  if (m[3] === 'repomd.xml') return { type: 'application/xml', body: meta.repomd };
  if (m[3] === meta.primaryName) return { type: 'application/gzip', body: meta.primaryGz };
  return null;
}

function publishRequest(body: unknown): PublishRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const releases = b.releases;
  if (
    typeof b.name !== 'string' ||
    typeof b.version !== 'string' ||
    (b.repo !== undefined && typeof b.repo !== 'string') ||
    (releases !== undefined && !(Array.isArray(releases) && releases.every((r) => typeof r === 'string')))
  ) {
    throw new SimulatorError('body must be {name, version, repo?, releases?: string[]}', SimulatorErrorCode.BadPackage);
  }
  return {
    name: b.name,
    version: b.version,
    ...(b.repo !== undefined ? { repo: b.repo } : {}),
    ...(releases !== undefined ? { releases: releases as XcpVersion[] } : {}),
  };
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
  } catch {
    throw new SimulatorError('the body is not JSON', SimulatorErrorCode.BadPackage);
  }
}

/**
 * The lab's fault-control API on 127.0.0.1 (ephemeral port):
 *   GET /faults · POST /faults {host, kind, arg?} · DELETE /faults?host=&kind= · GET /state
 *   GET /packages · POST /packages {name, version, repo?, releases?} (publish a build into a repository)
 *   GET /repos/REPO/RELEASE/repodata/repomd.xml and the primary.xml.gz it names
 *   POST /ping {argv}: `ping` from the runner's side of the simulated network (loopback answers any
 *   ICMP itself, so the harness's `ping` asks here) → {stdout, stderr, exit_code, simulated: true}
 */
export async function startControlApi(lab: ControlledLab): Promise<ControlApi> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      try {
        if (url.pathname === '/faults' && req.method === 'GET') return send(res, 200, lab.faults.list());
        if (url.pathname === '/faults' && req.method === 'POST') {
          const body = (await readJson(req)) as Partial<FaultSpec>;
          if (typeof body.host !== 'string' || typeof body.kind !== 'string') {
            return send(res, 400, { error: 'body must be {host, kind, arg?}' });
          }
          return send(
            res,
            201,
            lab.faults.set({
              host: body.host,
              kind: body.kind,
              ...(body.arg !== undefined ? { arg: String(body.arg) } : {}),
            }),
          );
        }
        if (url.pathname === '/faults' && req.method === 'DELETE') {
          lab.faults.clear(
            url.searchParams.get('host') ?? undefined,
            (url.searchParams.get('kind') ?? undefined) as FaultKind | undefined,
          );
          return send(res, 204);
        }
        if (url.pathname === '/state' && req.method === 'GET') return send(res, 200, lab.snapshot());
        if (url.pathname === '/ping' && req.method === 'POST') {
          const gone = new AbortController();
          res.on('close', () => gone.abort());
          return send(res, 200, await pingFromOutside(lab.model, await readJson(req), gone.signal));
        }
        if (url.pathname === '/packages' && req.method === 'GET') return send(res, 200, lab.packages.list());
        if (url.pathname === '/packages' && req.method === 'POST') {
          return send(res, 201, lab.packages.publish(publishRequest(await readJson(req))));
        }
        if (url.pathname.startsWith('/repos/') && req.method === 'GET') {
          const file = repoFile(lab.packages, url.pathname);
          if (file) {
            res.writeHead(200, { 'content-type': file.type });
            res.end(file.body);
            return;
          }
        }
        return send(res, 404, { error: `no route ${req.method ?? ''} ${url.pathname}` });
      } catch (err) {
        return send(res, err instanceof SimulatorError ? 400 : 500, {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { FaultKind, FaultSpec } from 'src/simulator/faults/fault-board';
import { FaultControl, LabSnapshot } from 'src/simulator/lab/simulated-lab';
import { SimulatorError } from 'src/simulator/simulator.errors';

export interface ControlApi {
  url: string;
  close(): Promise<void>;
}

interface ControlledLab {
  faults: FaultControl;
  snapshot(): LabSnapshot;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
}

/**
 * The lab's fault-control API on 127.0.0.1 (ephemeral port):
 *   GET /faults · POST /faults {host, kind, arg?} · DELETE /faults?host=&kind= · GET /state
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

import { mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LAB_CONFIG } from 'src/simulator/lab/simulated-lab';
import { HTTP_CLIENT_COMMANDS } from 'src/simulator/shell/commands/http-client-commands';
import { runShell } from 'src/simulator/shell/shell-runner';
import { ShellEnv } from 'src/simulator/shell/shell-types';
import { FolderVfs } from 'src/simulator/shell/vfs';
import { XeHarness } from 'src/simulator/testing/xe-harness';

describe('curl and wget on a simulated host reach only the lab', () => {
  let server: Server;
  let port: number;
  let address: string;
  let sh: (source: string) => Promise<{ stdout: string; stderr: string; code: number }>;

  beforeAll(async () => {
    const harness = XeHarness.fromFile(DEFAULT_LAB_CONFIG);
    const host = harness.host('sim-830-b');
    address = harness.host('sim-830-a').address;
    server = createServer((req, res) => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Path': req.url ?? '' }).end(`hello ${req.method}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    port = (server.address() as AddressInfo).port;
    const vfs = new FolderVfs(mkdtempSync(join(tmpdir(), 'curl-spec-')));
    await vfs.init();
    const env = {
      kind: 'host',
      model: harness.model,
      hostname: host.name,
      vfs,
      host: () => host,
      bootedAt: () => 0,
    } as ShellEnv;
    sh = async (source) => {
      let stdout = '';
      let stderr = '';
      const code = await runShell(
        source,
        env,
        HTTP_CLIENT_COMMANDS,
        { stdout: (c) => void (stdout += c.toString()), stderr: (c) => void (stderr += c) },
        new AbortController().signal,
      );
      return { stdout, stderr, code };
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches from another lab host, with headers, files and HTTP errors as curl reports them', async () => {
    expect(await sh(`curl -s http://${address}:${port}/a`)).toEqual({ stdout: 'hello GET\n', stderr: '', code: 0 });
    const head = await sh(`curl -sI http://${address}:${port}/b`);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head.stdout).toContain('X-Path: /b\r\n');
    expect((await sh(`curl -fsS http://${address}:${port}/missing`)).code).toBe(22);
    expect((await sh(`curl -so out.txt http://${address}:${port}/c && cat out.txt`)).stdout).toBe('hello GET\n');
    expect((await sh(`wget -qO- http://${address}:${port}/d`)).stdout).toBe('hello GET\n');
    expect((await sh(`wget -q http://${address}:${port}/missing`)).code).toBe(8);
  });

  it('fails as an unreachable host for anything outside the lab, without trying', async () => {
    expect(await sh('curl -sS https://updates.xcp-ng.org/')).toEqual({
      stdout: '',
      stderr: 'curl: (7) Failed connect to updates.xcp-ng.org:443; No route to host\n',
      code: 7,
    });
    expect((await sh('curl -s http://127.0.0.1:1/')).code).toBe(7);
    expect((await sh('curl -s http://10.0.0.1/')).code).toBe(7);
    expect(await sh('wget -q -O- http://example.com/x')).toEqual({ stdout: '', stderr: '', code: 4 });
    expect((await sh('wget http://example.com/x')).stderr).toBe(
      'Connecting to example.com:80... failed: No route to host.\n',
    );
  });
});

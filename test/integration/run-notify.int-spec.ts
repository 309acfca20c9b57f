import { createServer, IncomingMessage, Server } from 'node:http';
import { createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestExecution } from 'test/utils/execution';
import { Notifier } from 'src/notify/notifier';
import { SimulatedLab } from 'src/simulator/lab/simulated-lab';
import { createTestDatabase, TestDatabase } from 'test/utils/database';
import { openSimEngine } from 'test/utils/sim-engine';
import { waitUntil } from 'test/utils/wait';

interface Hit {
  path: string;
  auth: string | undefined;
  body: unknown;
}

/** A webhook receiver: answers each path's statuses in turn (then 200), keeps what it got. */
async function receiver(statuses: Record<string, number[]>): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push({ path, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(statuses[path]?.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, hits, server };
}

/** The least of an SMTP server: enough for one client to hand over messages, which it keeps. */
async function smtpSink(): Promise<{
  port: number;
  messages: Array<{ from: string; to: string[]; data: string }>;
  server: TcpServer;
}> {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const server = createTcpServer((socket: Socket) => {
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 sink.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          messages.push(current);
          current = { from: '', to: [], data: '' };
          inData = false;
          socket.write('250 queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'MAIL') current.from = line.slice(10);
        if (verb === 'RCPT') current.to.push(line.slice(8));
        if (verb === 'DATA') inData = true;
        const replies: Record<string, string> = {
          EHLO: '250 sink.test',
          HELO: '250 sink.test',
          DATA: '354 go on',
          QUIT: '221 bye',
        };
        socket.write(`${replies[verb] ?? '250 ok'}\r\n`);
        if (verb === 'QUIT') socket.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, messages, server };
}

/** Run-end notifications: webhooks (JSON and text) and e-mail, retried, never failing the run. */
describe('run notifications', () => {
  let dir: string;
  let lab: SimulatedLab;
  let db: TestDatabase;
  let engine: TestExecution;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  const logs: string[] = [];
  const TOKEN = 'hook-token-7f3a9c2e5b';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-notify-'));
    db = await createTestDatabase();
    hooks = await receiver({ '/text': [500, 502], '/broken': [503, 503, 503, 503] });
    smtp = await smtpSink();
    ({ lab, engine } = await openSimEngine(dir, db));
    const notifier = new Notifier(
      engine.db,
      {
        global: null,
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'shakedown@sink.test' },
        attempts: 3,
        backoffMs: 20,
        publicUrl: 'http://shakedown.test/',
        env: {
          HOOK_JSON: `${hooks.url}/json?secret=${TOKEN}`,
          HOOK_TOKEN: TOKEN,
          HOOK_TEXT: `${hooks.url}/text`,
          HOOK_BROKEN: `${hooks.url}/broken`,
        },
      },
      (fields, message) => logs.push(JSON.stringify({ ...fields, message })),
    );
    // Two workers hear every run end: each message must still go once.
    for (const name of ['w1', 'w2']) {
      await engine.startWorker({ name, concurrency: 1, onRunEnded: (id) => notifier.runEnded(id) });
    }
  });

  afterAll(async () => {
    await engine?.close();
    await lab?.stop();
    await db?.close();
    hooks?.server.close();
    smtp?.server.close();
  });

  it('should tell each target once with the verdict and the run URL, retry a failing one, and end the run well', async () => {
    writeFileSync(
      join(dir, 'campaign.yaml'),
      `name: notified
release: 8.3.0
baseline: 8.2.1
notify:
  webhooks:
    - { url_env: HOOK_JSON, token_env: HOOK_TOKEN }
    - { url_env: HOOK_TEXT, format: text }
    - { url_env: HOOK_BROKEN }
  email: [qa@example.org]
suites:
  - { id: install, scenario: basic.install-check, title: install, covers: verify installation }
`,
    );
    const { run } = await engine.runs.start({ campaign: join(dir, 'campaign.yaml'), lab: 'sim-default' });
    const rows = await waitUntil(
      async () => {
        const r = await db.dataSource.query(
          `SELECT target, status, attempts, error FROM run_notifications WHERE run_id = $1 ORDER BY target`,
          [run.id],
        );
        return r.length === 4 && r.every((x: { status: string }) => x.status !== 'sending') ? r : undefined;
      },
      'the four notifications',
      120_000,
      100,
    );
    expect(rows).toEqual([
      { target: 'email qa@example.org', status: 'sent', attempts: 1, error: null },
      {
        target: 'webhook HOOK_BROKEN (json)',
        status: 'failed',
        attempts: 3,
        error: '3 attempt(s), last: the endpoint answered HTTP 503',
      },
      { target: 'webhook HOOK_JSON (json)', status: 'sent', attempts: 1, error: null },
      { target: 'webhook HOOK_TEXT (text)', status: 'sent', attempts: 3, error: null },
    ]);
    const [ended] = await db.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [run.id]);
    expect(ended.status).toBe('finished');

    const json = hooks.hits.filter((h) => h.path.startsWith('/json'));
    expect(json).toHaveLength(1);
    expect(json[0]!.auth).toBe(`Bearer ${TOKEN}`);
    expect(json[0]!.body).toMatchObject({
      event: 'run.ended',
      verdict: 'passed',
      outcomes: { passed: 1 },
      run: { number: run.number, campaign: 'notified', url: `http://shakedown.test/runs/${run.number}` },
      regressions: [],
    });
    const text = hooks.hits.filter((h) => h.path === '/text');
    expect(text).toHaveLength(3);
    expect((text[2]!.body as { text: string }).text).toBe(
      `Shakedown run ${run.number} (notified, 8.3.0 on sim-default): PASSED\nOutcomes: 1 passed\nhttp://shakedown.test/runs/${run.number}`,
    );
    expect(hooks.hits.filter((h) => h.path === '/broken')).toHaveLength(3);

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['<qa@example.org>']);
    expect(smtp.messages[0]!.data).toMatch(
      new RegExp(`^Subject: \\[shakedown\\] run ${run.number} notified: passed`, 'm'),
    );
    expect(smtp.messages[0]!.data).toContain(`http://shakedown.test/runs/${run.number}`);

    // Secrets by reference: neither the hook URL (it carries a token) nor the token is logged or stored.
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(logs.join('\n')).not.toContain(hooks.url);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  }, 180_000);
});

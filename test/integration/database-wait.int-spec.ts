import { createServer, connect, Server, Socket } from 'node:net';
import { AppConfig } from 'src/config/config';
import { DatabaseError } from 'src/database/database.errors';
import { prepareDatabase } from 'src/database/prepare-database';
import { createTestDatabase, TestDatabase } from 'test/utils/database';

/** A port nothing listens on (yet): taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

// A container started beside its database may find it unreachable for a while (its name not yet in
// DNS, the server still starting): with SHAKEDOWN_DATABASE_WAIT_SECONDS it waits instead of failing.
describe('waiting for the database at start', () => {
  let db: TestDatabase;
  let relay: Server | undefined;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    if (relay) await new Promise<void>((resolve) => relay!.close(() => resolve()));
    await db.close();
  });

  const urlOn = (port: number): string => {
    const url = new URL(db.url);
    url.port = String(port);
    return url.toString();
  };

  it('fails at once by default, naming the database without its password', async () => {
    const port = await closedPort();
    const config = AppConfig.fromEnv({ DATABASE_URL: urlOn(port) });
    const err = await prepareDatabase(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).code).toBe('DATABASE_UNREACHABLE');
    expect((err as DatabaseError).message).toContain('ECONNREFUSED');
    expect((err as DatabaseError).message).not.toContain('postgres:postgres');
  });

  it('keeps trying a refused connection until the database answers', async () => {
    const port = await closedPort();
    const target = new URL(db.url);
    const config = AppConfig.fromEnv({ DATABASE_URL: urlOn(port), SHAKEDOWN_DATABASE_WAIT_SECONDS: '120' });
    const lines: string[] = [];
    // The database "comes up" once Shakedown has said it is waiting for it.
    const prepared = prepareDatabase(config, (line) => {
      lines.push(line);
      if (relay || !line.startsWith('waiting for the database')) return;
      relay = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      }).listen(port, '127.0.0.1');
    });
    await expect(prepared).resolves.toMatchObject({ url: urlOn(port) });
    expect(lines[0]).toMatch(/^waiting for the database at .* \(ECONNREFUSED\)…$/);
  });
});

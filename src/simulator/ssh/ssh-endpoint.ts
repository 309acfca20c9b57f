import { timingSafeEqual } from 'node:crypto';
import { createServer, Server as NetServer, Socket } from 'node:net';
import { AuthContext, Connection, ParsedKey, Server as SshServer, ServerChannel } from 'ssh2';
import { parseOne } from 'src/simulator/ssh/keys';
import { serveSftp, SftpFiles } from 'src/simulator/ssh/sftp-server';

interface EndpointCredentials {
  user: string;
  password: string;
  clientPublicKey: string;
}

interface EndpointOptions {
  name: string;
  address: string;
  port: number;
  hostPrivateKey: string;
  credentials: EndpointCredentials;
  /** true while a hang fault holds the endpoint: sockets are accepted and never answered */
  hanging: () => boolean;
  /** `sshClient` is what sshd puts in SSH_CLIENT: `<client address> <client port> <server port>` */
  exec: (
    command: string,
    channel: ServerChannel,
    drop: () => void,
    signal: AbortSignal,
    sshClient: string,
  ) => Promise<number>;
  /** the machine's files for the SFTP subsystem (OpenSSH's scp and sftp) */
  files: SftpFiles;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * One simulated machine's sshd: its own loopback address, its own host key, password and
 * public-key auth, TCP_NODELAY like OpenSSH, exec requests and the SFTP subsystem (no interactive shell).
 */
export class SshEndpoint {
  private readonly ssh: SshServer;
  private net: NetServer | null = null;
  private readonly sockets = new Set<Socket>();
  /** Commands in progress: cutting the connections must end them too (their channels may never close). */
  private readonly commands = new Set<AbortController>();
  private readonly clientKey: ParsedKey;
  port = 0;

  constructor(private readonly opts: EndpointOptions) {
    this.clientKey = parseOne(opts.credentials.clientPublicKey);
    this.ssh = new SshServer({ hostKeys: [opts.hostPrivateKey] }, (client, info) =>
      this.onClient(client, `${info.ip} ${info.port} ${this.port}`),
    );
  }

  get address(): string {
    return this.opts.address;
  }

  async start(port = this.opts.port): Promise<number> {
    const server = createServer((socket) => this.onSocket(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.net = server;
    return this.port;
  }

  /** Stops listening (new connections are refused) and cuts every open connection. */
  async stop(): Promise<void> {
    const server = this.net;
    this.net = null;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  dropAll(): void {
    for (const c of this.commands) c.abort();
    this.commands.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  get listening(): boolean {
    return this.net !== null;
  }

  private onSocket(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.opts.hanging()) return;
    this.ssh.injectSocket(socket);
  }

  private authenticate(ctx: AuthContext): void {
    const { credentials } = this.opts;
    if (ctx.username !== credentials.user) {
      ctx.reject(['publickey', 'password']);
      return;
    }
    if (ctx.method === 'password' && sameSecret(ctx.password, credentials.password)) {
      ctx.accept();
      return;
    }
    if (ctx.method === 'publickey') {
      const key = this.clientKey;
      if (ctx.key.algo === key.type && ctx.key.data.equals(key.getPublicSSH())) {
        if (!ctx.signature || !ctx.blob) {
          ctx.accept();
          return;
        }
        if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
          ctx.accept();
          return;
        }
      }
    }
    ctx.reject(['publickey', 'password']);
  }

  private onClient(client: Connection, sshClient: string): void {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => this.authenticate(ctx));
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('env', (accept) => accept?.());
        session.on('pty', (accept) => accept?.());
        session.on('shell', (_accept, reject) => reject?.());
        session.on('sftp', (accept) => {
          if (this.opts.hanging()) return;
          serveSftp(accept(), this.opts.files);
        });
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          const abort = new AbortController();
          this.commands.add(abort);
          abort.signal.addEventListener('abort', () => this.commands.delete(abort));
          channel.on('close', () => abort.abort());
          if (this.opts.hanging()) return;
          // A drop fault cuts the TCP connections abruptly, as a crashed link would (no SSH disconnect).
          const drop = (): void => this.dropAll();
          void this.opts
            .exec(info.command, channel, drop, abort.signal, sshClient)
            .then((code) => {
              this.commands.delete(abort);
              if (abort.signal.aborted) return;
              channel.exit(code);
              channel.end();
            })
            .catch((err: unknown) => {
              this.commands.delete(abort);
              if (abort.signal.aborted) return;
              channel.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
              channel.exit(1);
              channel.end();
            });
        });
      });
    });
  }
}

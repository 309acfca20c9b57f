import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { fingerprintOf } from 'src/remote/host-key';

export const SSHD_BINARY = '/usr/sbin/sshd';

/** A real OpenSSH server (Debian's openssh-server) on 127.0.0.1, a child of the test process. */
export interface SshdInstance {
  address: string;
  port: number;
  user: string;
  hostKeyFingerprint: string;
  clientKeyPath: string;
  /** What sshd wrote to stderr (its log, with -e) since it last started. */
  log(): string;
  /** Restarts sshd on the same port with a freshly generated host key. */
  restartWithNewHostKey(): Promise<string>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = addr && typeof addr === 'object' ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(path: string): string {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'shakedown-test', '-f', path]);
  const parsed = utils.parseKey(readFileSync(`${path}.pub`));
  if (parsed instanceof Error) throw parsed;
  return fingerprintOf(parsed.getPublicSSH());
}

/** Waits for sshd's own "Server listening" line (LogLevel INFO, -e sends logs to stderr). */
function waitListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      reject(new Error(`sshd did not start listening within ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code} before listening:\n${log}`));
    });
  });
}

export async function startSshd(): Promise<SshdInstance> {
  if (!existsSync(SSHD_BINARY)) {
    throw new Error(`${SSHD_BINARY} not found: install Debian's openssh-server (apt-get install -y openssh-server)`);
  }
  // sshd insists on its privilege-separation directory even when we never use it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-sshd-'));
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  let hostKeyFingerprint = keygen(hostKey);
  keygen(clientKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 10',
      `LogLevel ${process.env.SHAKEDOWN_SSHD_LOGLEVEL ?? 'INFO'}`,
      '',
    ].join('\n'),
  );

  let child: ChildProcess;
  let log = '';
  const launch = async (): Promise<void> => {
    log = '';
    child = spawn(SSHD_BINARY, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitListening(child, 10_000);
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();

  return {
    address: '127.0.0.1',
    port,
    user: 'root',
    get hostKeyFingerprint() {
      return hostKeyFingerprint;
    },
    clientKeyPath: clientKey,
    log: () => log,
    async restartWithNewHostKey() {
      await halt();
      hostKeyFingerprint = keygen(hostKey);
      await launch();
      return hostKeyFingerprint;
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

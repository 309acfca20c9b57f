/**
 * Per-call cost of `xe` over SSH, in one run against one server (an ssh2 server in a child process,
 * TCP_NODELAY on, answering `xe` with a canned line):
 *   floor      – a bare ssh2 exec on one open connection, TCP_NODELAY on both ends
 *   shakedown  – XeClient → SshPool on a warm pooled connection (quoting, deadline, caps, parsing)
 *   openssh    – one `ssh` process per command (what XCP-ng's suite does without multiplexing)
 *   openssh-cm – `ssh` with ControlMaster/ControlPersist (what it does by default)
 * Goal: shakedown within 1.15× of the floor and ≥5× faster than one OpenSSH process per command.
 */
import { ChildProcess, execFile, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Server, utils } from 'ssh2';
import { SshPool } from 'src/remote/ssh-pool';
import { XeClient } from 'src/remote/xe/xe-client';

const MASTER_UUID = 'c8f5d0a5-3c7e-4b36-9f1e-2b0a6a7d5e01';
const COMMAND = 'xe pool-list params=master --minimal';

/** Child side: the SSH server, in its own process so it does not share the client's event loop. */
function serve(): void {
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  const ssh = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          if (info.command.startsWith('xe ')) stream.write(`${MASTER_UUID}\n`);
          stream.exit(0);
          stream.end();
          stream.resume();
        });
      });
    });
    client.on('error', () => undefined);
  });
  const net = createServer((socket) => {
    socket.setNoDelay(true);
    ssh.injectSocket(socket);
  });
  net.listen(0, '127.0.0.1', () => {
    const addr = net.address();
    process.send?.({ port: addr && typeof addr === 'object' ? addr.port : 0 });
  });
  process.on('disconnect', () => process.exit(0));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function bareExec(client: Client, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      stream.on('data', () => undefined);
      stream.on('close', () => resolve());
    });
  });
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, (err, stdout) => (err ? reject(new Error(`${cmd} failed: ${err.message}`)) : resolve(stdout))),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shakedown-bench-remote-'));
  const keys = utils.generateKeyPairSync('ed25519');
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, keys.private, { mode: 0o600 });
  const child: ChildProcess = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));

  const floorClient = new Client();
  await new Promise<void>((resolve, reject) => {
    floorClient.once('ready', () => resolve()).once('error', reject);
    floorClient.on('connect', () => floorClient.setNoDelay(true));
    floorClient.connect({ host: '127.0.0.1', port, username: 'root', privateKey: keys.private });
  });
  const pool = new SshPool();
  const target = { name: 'bench-master', address: '127.0.0.1', port, username: 'root', credential: { keyFile } };
  const xe = new XeClient(pool, { hosts: [target], master: 'bench-master' });

  const floor: number[] = [];
  const ours: number[] = [];
  const warmup = 200;
  const blocks = 20;
  const perBlock = 100;
  for (let i = 0; i < warmup; i++) {
    await bareExec(floorClient, COMMAND);
    await xe.pool.master();
  }
  // Alternating blocks, so drift on a shared machine hits both sides alike.
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < perBlock; i++) {
      const t0 = performance.now();
      await bareExec(floorClient, COMMAND);
      floor.push(performance.now() - t0);
    }
    for (let i = 0; i < perBlock; i++) {
      const t0 = performance.now();
      const master = await xe.pool.master();
      ours.push(performance.now() - t0);
      if (master !== MASTER_UUID) throw new Error(`unexpected answer ${master}`);
    }
  }

  const sshBase = [
    '-i',
    keyFile,
    '-p',
    String(port),
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
  ];
  const controlPath = join(dir, 'cm-%p');
  const cm = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${controlPath}`, '-o', 'ControlPersist=60'];
  const openssh: number[] = [];
  const opensshCm: number[] = [];
  await run('ssh', [...sshBase, ...cm, 'root@127.0.0.1', COMMAND]); // starts the master
  const spawns = 40;
  for (let i = 0; i < spawns; i++) {
    let t0 = performance.now();
    await run('ssh', [...sshBase, '-o', 'ControlMaster=no', 'root@127.0.0.1', COMMAND]);
    openssh.push(performance.now() - t0);
    t0 = performance.now();
    await run('ssh', [...sshBase, ...cm, 'root@127.0.0.1', COMMAND]);
    opensshCm.push(performance.now() - t0);
  }
  await run('ssh', [...sshBase, ...cm, '-O', 'exit', 'root@127.0.0.1']).catch(() => undefined);

  floorClient.end();
  await pool.close();
  child.disconnect();
  rmSync(dir, { recursive: true, force: true });

  const m = {
    floor: median(floor),
    shakedown: median(ours),
    openssh: median(openssh),
    opensshCm: median(opensshCm),
  };
  const ratioVsFloor = m.shakedown / m.floor;
  const speedup = m.openssh / m.shakedown;
  const speedupCm = m.opensshCm / m.shakedown;
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
  console.log(`per-call median over ${floor.length} calls (ssh2 server in a child process, TCP_NODELAY both ends)`);
  console.log(`  floor (bare ssh2 exec, open connection)   ${fmt(m.floor)}`);
  console.log(
    `  shakedown (XeClient on a pooled conn.)    ${fmt(m.shakedown)}   ${ratioVsFloor.toFixed(3)}× floor (goal ≤ 1.15×)`,
  );
  console.log(
    `  openssh, one process per command          ${fmt(m.openssh)}   shakedown is ${speedup.toFixed(1)}× faster (goal ≥ 5×)`,
  );
  console.log(
    `  openssh with ControlMaster                ${fmt(m.opensshCm)}   shakedown is ${speedupCm.toFixed(1)}× faster`,
  );
  console.log(
    JSON.stringify({
      bench: 'remote',
      ratio_vs_floor: Number(ratioVsFloor.toFixed(3)),
      speedup_vs_openssh: Number(speedup.toFixed(2)),
      speedup_vs_openssh_controlmaster: Number(speedupCm.toFixed(2)),
      floor_ms: Number(m.floor.toFixed(4)),
      shakedown_ms: Number(m.shakedown.toFixed(4)),
      openssh_ms: Number(m.openssh.toFixed(3)),
      openssh_controlmaster_ms: Number(m.opensshCm.toFixed(3)),
      calls: floor.length,
      spawns,
      goal_met: ratioVsFloor <= 1.15 && speedup >= 5,
    }),
  );
}

if (process.argv.includes('--serve')) serve();
else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { loadLab, positiveInt } from 'src/cli/commands/lab-inventory.command';
import { withDatabase } from 'src/cli/cli-database';
import { collectHardwareProfile } from 'src/lab/collect-hardware';
import { hardwareClass } from 'src/lab/hardware-class';
import type { HardwareProfile } from 'src/lab/hardware-profile';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { LabError, LabErrorCode } from 'src/lab/lab.errors';
import { LocalRunner } from 'src/lab/local-runner';
import type { CredentialRef, SshTarget } from 'src/remote/ssh-target';
import { SshPool } from 'src/remote/ssh-pool';

interface CollectOptions {
  local?: boolean;
  inventory?: string;
  key?: string;
  passwordEnv?: string;
  hostKey?: string;
  out?: string;
  timeout: number;
}

const USER_AT_HOST = /^([A-Za-z_][A-Za-z0-9_.-]{0,31})@([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?$/;

/** `user@host[:port]` as an SSH target, with the credential the options name (else the SSH agent). */
function sshTargetOf(spec: string, opts: Pick<CollectOptions, 'key' | 'passwordEnv' | 'hostKey'>): SshTarget {
  const m = USER_AT_HOST.exec(spec);
  if (!m) throw new CliError(`${spec}: expected user@host or user@host:port`, ExitCode.Usage);
  const port = m[3] === undefined ? 22 : Number(m[3]);
  if (port < 1 || port > 65535) throw new CliError(`${spec}: port ${port} is out of range`, ExitCode.Usage);
  let credential: CredentialRef;
  if (opts.key) credential = { keyFile: opts.key };
  else if (opts.passwordEnv) credential = { passwordEnv: opts.passwordEnv };
  else if (process.env.SSH_AUTH_SOCK) credential = { agent: true };
  else {
    throw new CliError('no SSH credential: pass --key FILE or --password-env VAR, or run an ssh-agent', ExitCode.Usage);
  }
  const address = m[2]!.replace(/^\[|\]$/g, '');
  return {
    name: address,
    address,
    port,
    username: m[1]!,
    credential,
    ...(opts.hostKey ? { hostKey: opts.hostKey } : {}),
  };
}

/**
 * `shakedown lab collect-hardware --local | USER@HOST | HOST --inventory FILE`: the hardware profile
 * `shakedown submit --hardware` sends, as JSON (the hardware class on stderr).
 */
export function registerLabHardwareCommand(lab: Command): void {
  lab
    .command('collect-hardware')
    .description('print the hardware profile of this machine (--local) or of a host over SSH, as `submit` takes it')
    .argument('[host]', 'user@host[:port], or a host name of --inventory')
    .option('--local', 'profile the machine this command runs on')
    .option('--inventory <file>', 'take the host, its address and credential from this inventory')
    .option('--key <file>', 'SSH private key (user@host)')
    .option('--password-env <var>', 'environment variable holding the SSH password (user@host)')
    .option('--host-key <fingerprint>', 'expected host key, SHA256:… (user@host; default: accept the first seen)')
    .option('--out <file>', 'write the profile to this file instead of stdout')
    .option('--timeout <ms>', 'per-command timeout', positiveInt, 30_000)
    .action(async (host: string | undefined, opts: CollectOptions) => {
      if (opts.local === (host !== undefined)) {
        throw new CliError('give either --local or a host (user@host, or a name with --inventory)', ExitCode.Usage);
      }
      const profile = opts.local
        ? await collectHardwareProfile(new LocalRunner(), opts.timeout)
        : await collectOverSsh(host!, opts);
      const json = `${JSON.stringify(profile, null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, json);
      else process.stdout.write(json);
      process.stderr.write(`hardware class: ${hardwareClass(profile)}${opts.out ? ` (profile in ${opts.out})` : ''}\n`);
    });
}

async function collectOverSsh(host: string, opts: CollectOptions): Promise<HardwareProfile> {
  // An inventory's host is checked against the lab's pinned host keys (in the database); a bare
  // user@host, as a community tester runs it, against --host-key or the first key seen.
  if (opts.inventory) {
    const inventory = await loadLab(opts.inventory);
    return withDatabase((db) =>
      collectWith(
        new SshPool({ connectTimeoutMs: opts.timeout, hostKeys: new PgHostKeyStore(db) }),
        () => inventory.sshTarget(host),
        opts,
      ),
    );
  }
  return collectWith(new SshPool({ connectTimeoutMs: opts.timeout }), () => sshTargetOf(host, opts), opts);
}

async function collectWith(ssh: SshPool, target: () => SshTarget, opts: CollectOptions): Promise<HardwareProfile> {
  try {
    const t = target();
    // Reachability first, so an unreachable host is an error rather than an empty profile.
    await ssh.exec(t, 'true', { timeoutMs: opts.timeout, label: 'reachability check' });
    return await collectHardwareProfile(ssh.runner(t), opts.timeout);
  } catch (err) {
    if (err instanceof LabError) {
      throw new CliError(err.message, err.code === LabErrorCode.HardwareIncomplete ? ExitCode.Failure : ExitCode.Usage);
    }
    throw err;
  } finally {
    await ssh.close();
  }
}

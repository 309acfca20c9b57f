import { hostname, userInfo } from 'node:os';
import { Command } from 'commander';
import { withDatabase } from 'src/cli/cli-database';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { HostKeyPinView, PgHostKeyStore } from 'src/lab/host-key.repository';
import { isFingerprint } from 'src/remote/host-key';
import { probeHostKey } from 'src/remote/host-key-probe';

const WHO = /^[A-Za-z0-9._@+-]{1,64}$/;

function whoAmI(given: string | undefined): string {
  if (given !== undefined) {
    if (!WHO.test(given)) {
      throw new CliError(`--by: 1 to 64 of A-Z a-z 0-9 . _ @ + -, not ${JSON.stringify(given)}`, ExitCode.Usage);
    }
    return given;
  }
  return `${userInfo().username}@${hostname()}`;
}

function pick(pins: HostKeyPinView[], host: string, lab: string | undefined): HostKeyPinView {
  const found = lab === undefined ? pins : pins.filter((p) => p.lab === lab);
  if (!found.length) {
    throw new CliError(
      `no host ${host}${lab ? ` in lab ${lab}` : ' in any stored lab'} (shakedown lab import)`,
      ExitCode.Usage,
    );
  }
  if (found.length > 1) {
    throw new CliError(
      `host ${host} is in labs ${found.map((p) => p.lab).join(', ')}: say which with --lab`,
      ExitCode.Usage,
    );
  }
  return found[0]!;
}

/**
 * `shakedown lab trust HOST`: re-pins a host's key on purpose, after its key changed (reinstall,
 * regenerated keys). Reads the key the host offers now; with --fingerprint, only that key is accepted.
 */
export function registerLabTrustCommand(lab: Command): void {
  lab
    .command('trust')
    .description('pin the host key a stored lab host offers now (after a reinstall), recording who did it')
    .argument('<host>', 'host name in a stored lab')
    .option('--lab <name>', 'the lab, when several have a host of that name')
    .option('--fingerprint <SHA256:…>', 'the fingerprint you verified out of band; anything else is refused')
    .option('--by <name>', 'who trusts it (default: user@machine of this process)')
    .action(async (host: string, opts: { lab?: string; fingerprint?: string; by?: string }) => {
      if (opts.fingerprint !== undefined && !isFingerprint(opts.fingerprint)) {
        throw new CliError(
          `--fingerprint: expected SHA256: and 43 base64 characters, got ${JSON.stringify(opts.fingerprint)}`,
          ExitCode.Usage,
        );
      }
      const by = whoAmI(opts.by);
      await withDatabase(async (db) => {
        const store = new PgHostKeyStore(db);
        const pin = pick(await store.pinsNamed(host), host, opts.lab);
        const offered = await probeHostKey(host, pin.address, pin.port);
        if (opts.fingerprint !== undefined && offered !== opts.fingerprint) {
          throw new CliError(
            `host ${host} offers ${offered}, not ${opts.fingerprint}: nothing changed`,
            ExitCode.Failure,
          );
        }
        if (offered === pin.fingerprint) {
          process.stdout.write(`lab ${pin.lab}: host ${host} already pinned to ${offered} (${pin.source})\n`);
          return;
        }
        const after = await store.trust(pin.lab, host, offered, by);
        process.stdout.write(
          `lab ${pin.lab}: host ${host} pinned to ${offered} by ${after?.pinnedBy ?? by}` +
            ` (was ${pin.fingerprint ?? 'not pinned'})\n`,
        );
      });
    });
}

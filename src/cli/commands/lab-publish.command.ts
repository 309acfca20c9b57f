import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CliError, ExitCode } from 'src/common/errors/cli-error';

interface PublishOptions {
  control?: string;
  inventory?: string;
  repo: string;
  release: string[];
}

/** The simulated lab's control API is on a loopback address; nothing else is ever called. */
function controlUrl(opts: PublishOptions): string {
  let url = opts.control;
  if (!url && opts.inventory) {
    let inv: { control_url?: unknown };
    try {
      inv = JSON.parse(readFileSync(opts.inventory, 'utf8')) as { control_url?: unknown };
    } catch (err) {
      throw new CliError(`--inventory ${opts.inventory}: ${(err as Error).message}`, ExitCode.Usage);
    }
    if (typeof inv.control_url !== 'string') {
      throw new CliError(
        `--inventory ${opts.inventory} has no control_url (a simulated lab's inventory has)`,
        ExitCode.Usage,
      );
    }
    url = inv.control_url;
  }
  if (!url) throw new CliError('say which simulated lab: --control URL or --inventory lab.json', ExitCode.Usage);
  if (!/^http:\/\/127\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}\/?$/.test(url)) {
    throw new CliError(`the control URL must be http://127.x.y.z:PORT, not ${JSON.stringify(url)}`, ExitCode.Usage);
  }
  return url.replace(/\/$/, '');
}

/**
 * `shakedown lab publish PACKAGE VERSION`: pushes a build into a simulated lab's repository
 * (xcp-ng-testing by default), as the build system pushes a candidate; the hosts' yum and the lab's
 * HTTP repository (what `shakedown watch` polls) offer it from then on.
 */
export function registerLabPublishCommand(lab: Command): void {
  lab
    .command('publish')
    .description("publish a package build into a simulated lab's yum repository (xcp-ng-testing by default)")
    .argument('<package>', 'RPM name, such as xapi-core')
    .argument('<version>', 'VERSION-RELEASE, such as 24.19.2-1.12.xcpng8.3')
    .option('--control <url>', "the simulated lab's control URL (its inventory's control_url)")
    .option('--inventory <file>', 'read the control URL from this inventory (the JSON `lab up` prints)')
    .option('--repo <id>', 'repository', 'xcp-ng-testing')
    .option(
      '--release <x.y.z>',
      'hosts of this release see it (repeatable; default: from the build tag)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .action(async (name: string, version: string, opts: PublishOptions) => {
      const url = controlUrl(opts);
      const res = await fetch(`${url}/packages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name,
          version,
          repo: opts.repo,
          ...(opts.release.length ? { releases: opts.release } : {}),
        }),
      }).catch((err: unknown) => {
        throw new CliError(`cannot reach the simulated lab at ${url}: ${(err as Error).message}`);
      });
      const body = (await res.json().catch(() => ({}))) as { error?: string; releases?: string[]; repo?: string };
      if (!res.ok) throw new CliError(`the lab refused: ${body.error ?? res.status}`, ExitCode.Usage);
      process.stdout.write(
        `published ${name}-${version} into ${body.repo} for ${body.releases?.join(', ')} (simulated)\n`,
      );
    });
}

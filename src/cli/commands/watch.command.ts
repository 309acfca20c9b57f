import { setTimeout as delay } from 'node:timers/promises';
import { Command } from 'commander';
import { openExecution } from 'src/cli/execution-session';
import { CliError, ExitCode } from 'src/common/errors/cli-error';
import { PollResult, RepoWatcher } from 'src/watch/repo-watcher';

interface WatchOptions {
  lab: string;
  repository: string;
  enablerepo: string;
  match: string[];
  cooldown?: string;
  every?: string;
  once?: boolean;
}

function seconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 86_400) {
    throw new CliError(`${flag} must be whole seconds from 0 to 86400, not ${text}`, ExitCode.Usage);
  }
  return n;
}

function describe(r: PollResult): string {
  const list = (p: Array<{ name: string; evr: string }>) => p.map((x) => `${x.name}-${x.evr}`).join(' ');
  switch (r.kind) {
    case 'baseline':
      return `first look: ${r.known} matching package(s) known; newer ones will start the campaign`;
    case 'nothing-new':
      return 'nothing new';
    case 'cooling':
      return `new: ${list(r.packages)}; starting after ${r.startsAfter.toISOString()} if nothing else lands`;
    case 'already-started':
      return `new: ${list(r.packages)}; a run was already started for this set`;
    case 'started':
      return `started run ${r.runNumber} for ${list(r.packages)}`;
  }
}

/**
 * `shakedown watch CAMPAIGN`: polls a yum repository (repodata/repomd.xml, then primary.xml.gz) and
 * starts the campaign against the lab once per new set of matching packages, with the set as its
 * `updates:` — the release process's "packages land in xcp-ng-testing, test them" without a person.
 */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('poll a yum repository and start the campaign once per new set of candidate packages')
    .argument('<campaign>', 'campaign file to start (its updates: block gives restart and reboot policies)')
    .requiredOption('--lab <name>', 'lab to run on')
    .requiredOption('--repository <url>', 'base URL of the yum repository (the folder holding repodata/)')
    .option('--enablerepo <id>', "the repository's id on the hosts, for yum --enablerepo", 'xcp-ng-testing')
    .option(
      '--match <glob>',
      'package names to watch, * as wildcard (repeatable; default all)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--cooldown <seconds>',
      'a new set starts once unchanged this long (default SHAKEDOWN_WATCH_COOLDOWN_SECONDS)',
    )
    .option('--every <seconds>', 'seconds between polls (default SHAKEDOWN_WATCH_INTERVAL_SECONDS)')
    .option('--once', 'poll once and exit')
    .action(async (campaign: string, opts: WatchOptions) => {
      const session = await openExecution();
      try {
        const cooldown = seconds('--cooldown', opts.cooldown, session.config.get('SHAKEDOWN_WATCH_COOLDOWN_SECONDS'));
        const every = Math.max(
          5,
          seconds('--every', opts.every, session.config.get('SHAKEDOWN_WATCH_INTERVAL_SECONDS')),
        );
        const watcher = new RepoWatcher(session.db, session.runs, {
          campaign,
          lab: opts.lab,
          repository: opts.repository,
          enablerepo: opts.enablerepo,
          match: opts.match,
          cooldownMs: cooldown * 1000,
        });
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        for (;;) {
          try {
            process.stdout.write(`${new Date().toISOString()} ${describe(await watcher.poll())}\n`);
          } catch (err) {
            if (opts.once) throw err;
            // A repository that does not answer now may answer at the next poll.
            process.stderr.write(`${new Date().toISOString()} poll failed: ${(err as Error).message}\n`);
          }
          if (opts.once || stop.signal.aborted) break;
          await delay(every * 1000, undefined, { signal: stop.signal }).catch(() => undefined);
          if (stop.signal.aborted) break;
        }
      } finally {
        await session.close();
      }
    });
}

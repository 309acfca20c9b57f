import { evr, HostPackages, YumTransaction } from 'src/simulator/packages/host-packages';
import { PackageBuild } from 'src/simulator/packages/package-catalog';
import { CommandIo, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * yum 3.4.3's `yum history`: `list` (newest first; failing while there is no transaction, as the
 * real one does) and `rollback ID` (undoes every later transaction, newest first, and records
 * that as a transaction of its own). xcp-ng-tests saves the last id before its package tests and
 * rolls back to it afterwards.
 */

const fullName = (b: PackageBuild): string => `${b.name}-${evr(b)}.${b.arch}`;

function list(io: CommandIo, pk: HostPackages): number {
  if (!pk.history.length) {
    io.err('No transactions\n');
    return 1;
  }
  io.out('ID     | Command line             | Date and time    | Action(s)      | Altered\n');
  io.out(`${'-'.repeat(79)}\n`);
  for (let i = pk.history.length - 1; i >= 0; i--) {
    const t = pk.history[i]!;
    const when = new Date(t.at).toISOString().slice(0, 16).replace('T', ' ');
    io.out(
      `${String(i + 1).padStart(6)} | ${t.commandLine.slice(0, 24).padEnd(24)} | ${when} | ${t.action.padEnd(14)} | ${String(t.altered).padStart(4)}\n`,
    );
  }
  io.out('history list\n');
  return 0;
}

/** What undoing transactions `from`..last (1-based ids) changes: each package back to its state before `from`. */
function undo(pk: HostPackages, from: number): YumTransaction['changes'] {
  const back = new Map<string, PackageBuild | undefined>();
  for (let i = pk.history.length - 1; i >= from - 1; i--) {
    for (const c of pk.history[i]!.changes) back.set(c.name, c.before);
  }
  return [...back]
    .map(([name, before]) => ({ name, before: pk.installed.get(name), after: before }))
    .filter((c) => c.before !== c.after)
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function rollback(
  io: CommandIo,
  env: ShellEnv,
  pk: HostPackages,
  args: string[],
  commandLine: string,
  apply: (b: PackageBuild, present: boolean) => Promise<void>,
): Promise<number> {
  const ids = args.filter((a) => !a.startsWith('-'));
  const id = ids.length === 1 && /^\d+$/.test(ids[0]!) ? Number(ids[0]) : NaN;
  if (!(id >= 1 && id <= pk.history.length)) {
    io.err(`Bad transaction ID given\n`);
    return 1;
  }
  if (id === pk.history.length) {
    io.out('Rollback to current, nothing to do\n');
    return 0;
  }
  const undone = Array.from({ length: pk.history.length - id }, (_, i) => pk.history.length - i);
  io.out(
    `Rollback to transaction ${id}, from ${new Date(pk.history[id - 1]!.at).toUTCString()}\n  Undoing the following transactions: ${undone.join(', ')}\n`,
  );
  const changes = undo(pk, id + 1);
  const rows = changes.map((c) =>
    !c.after
      ? `  Erasing    : ${fullName(c.before!)}`
      : `  ${c.before ? 'Downgrading' : 'Installing '}: ${fullName(c.after)}`,
  );
  io.out(`Resolving Dependencies\n--> Finished Dependency Resolution\n\nDependencies Resolved\n\n`);
  if (!args.includes('-y') && !args.includes('--assumeyes')) {
    io.out('Is this ok [y/d/N]: \nExiting on user command\n');
    return 1;
  }
  io.out('Running transaction check\nRunning transaction test\nTransaction test succeeded\nRunning transaction\n');
  for (const [i, r] of rows.entries()) io.out(`${r.padEnd(73)} ${i + 1}/${rows.length}\n`);
  for (const c of changes) {
    if (c.before) await apply(c.before, false);
    if (c.after) {
      pk.installed.set(c.name, c.after);
      await apply(c.after, true);
    } else {
      pk.installed.delete(c.name);
      // an erased package's units go with it
      for (const u of c.before?.services ?? []) pk.serviceStarts.delete(u);
    }
  }
  io.out('\nComplete!\n');
  const kinds = [...new Set(changes.map((c) => (!c.after ? 'Erase' : c.before ? 'Downgrade' : 'Install')))];
  pk.history.push({
    commandLine: `history ${commandLine}`,
    at: env.model.clock.now(),
    action: kinds.length === 1 ? kinds[0]! : kinds.map((k) => k[0]).join(', '),
    altered: changes.length,
    changes,
  });
  return 0;
}

export async function yumHistory(
  io: CommandIo,
  env: ShellEnv,
  pk: HostPackages,
  rest: string[],
  apply: (b: PackageBuild, present: boolean) => Promise<void>,
): Promise<number> {
  const [verb = 'list', ...args] = rest.filter((a) => !a.startsWith('--enablerepo') && !a.startsWith('--setopt'));
  if (verb === 'list') return list(io, pk);
  if (verb === 'rollback') return rollback(io, env, pk, args, rest.join(' '), apply);
  io.err(
    `Invalid history sub-command, use: list, info, summary, repeat, undo, rollback, new, sync, addon-info, stats, package-list, package-info. (simulated: list and rollback are modelled, not ${verb})\n`,
  );
  return 1;
}

import { Command } from 'commander';
import { columns } from 'src/cli/api-client';
import { withDatabase } from 'src/cli/cli-database';
import { LabRepository, type LabSummary } from 'src/lab/lab.repository';

function count<T>(items: readonly T[], key: (item: T) => string): string {
  const by = new Map<string, number>();
  for (const item of items) by.set(key(item), (by.get(key(item)) ?? 0) + 1);
  return [...by].map(([k, n]) => `${n} ${k}`).join(', ');
}

function row(lab: LabSummary): string[] {
  const hosts = lab.pools.flatMap((p) => p.hosts);
  return [
    `${lab.name}${lab.simulated ? ' (simulated)' : ''}`,
    String(lab.pools.length),
    String(hosts.length),
    count(hosts, (h) => h.version ?? 'version unknown') || '—',
    count(hosts, (h) => h.health) || '—',
  ];
}

/** `shakedown lab list [--json]`: the labs runs can use (as imported), with pools, versions and health. */
export function registerLabListCommand(lab: Command): void {
  lab
    .command('list')
    .description('list the imported labs: pools, hosts, their versions and health')
    .option('--json', 'print JSON (one array) instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const labs = await withDatabase((db) => new LabRepository(db).listLabs());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(labs.map((l) => ({ ...l, updatedAt: l.updatedAt.toISOString() })))}\n`);
        return;
      }
      if (!labs.length) {
        process.stderr.write('no lab imported yet: shakedown lab import FILE\n');
        return;
      }
      process.stdout.write(`${columns([['lab', 'pools', 'hosts', 'versions', 'health'], ...labs.map(row)])}\n`);
    });
}

import { Command } from 'commander';
import { AppConfig } from 'src/config/config';
import { createDataSource } from 'src/database/data-source';
import { prepareDatabase } from 'src/database/prepare-database';
import { PgHostKeyStore } from 'src/lab/host-key.repository';
import { LabRepository } from 'src/lab/lab.repository';
import { loadNestedLabFile } from 'src/lab/provisioner/nested-lab.loader';
import { NestedLabProvisioner } from 'src/lab/provisioner/nested-provisioner';
import { SshPool } from 'src/remote/ssh-pool';

async function withProvisioner<T>(
  file: string,
  run: (p: NestedLabProvisioner) => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  const spec = await loadNestedLabFile(file);
  const config = AppConfig.fromEnv();
  const database = await prepareDatabase(config);
  const db = createDataSource({ url: database.url, poolSize: 2 });
  await db.initialize();
  // Parent hosts keep the pins of their stored lab; nested hosts are pinned on first use here and
  // stored with the lab the provisioner writes.
  const ssh = new SshPool({ hostKeys: new PgHostKeyStore(db) });
  const started = Date.now();
  const progress = (line: string): void => {
    process.stderr.write(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s ${line}\n`);
  };
  try {
    return await run(new NestedLabProvisioner(spec, { ssh, repo: new LabRepository(db), progress, signal }));
  } finally {
    await ssh.close();
    await db.destroy();
    await database.embedded?.stop();
  }
}

/** A first Ctrl-C cancels between steps (what was made is removed); a second one exits at once. */
function cancelOnSigint(): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('cancelling after the current step; Ctrl-C again to exit now\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, done: () => process.off('SIGINT', onSigint) };
}

/** `shakedown lab provision LABFILE` / `shakedown lab destroy LABFILE`: nested pools on demand. */
export function registerLabProvisionCommands(lab: Command): void {
  lab
    .command('provision')
    .description('build the nested XCP-ng pools a lab file describes and store them as a lab (tag nested)')
    .argument('<labfile>', 'nested lab file (YAML)')
    .action(async (file: string) => {
      const cancel = cancelOnSigint();
      try {
        const inventory = await withProvisioner(file, (p) => p.provision(), cancel.signal);
        process.stdout.write(`${JSON.stringify(inventory)}\n`);
      } finally {
        cancel.done();
      }
    });
  lab
    .command('destroy')
    .description('remove every nested VM and disk a lab file created (and its images unless kept)')
    .argument('<labfile>', 'nested lab file (YAML)')
    .option('--keep-image', 'keep the imported host images on the parent')
    .option('--remove-image', 'remove the imported host images even when the lab file keeps them')
    .action(async (file: string, opts: { keepImage?: boolean; removeImage?: boolean }) => {
      const keepImage = opts.removeImage ? false : opts.keepImage ? true : undefined;
      const report = await withProvisioner(file, (p) => p.destroy({ keepImage }), new AbortController().signal);
      process.stderr.write(
        `removed ${report.vmsRemoved.length} nested VM(s)${report.imagesRemoved.length ? ` and ${report.imagesRemoved.length} image(s)` : ''}\n`,
      );
    });
}

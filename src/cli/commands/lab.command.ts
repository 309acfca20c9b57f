import { Command } from 'commander';
import { registerLabCleanCommand } from 'src/cli/commands/lab-clean.command';
import { registerLabDoctorCommand } from 'src/cli/commands/lab-doctor.command';
import { registerLabHardwareCommand } from 'src/cli/commands/lab-hardware.command';
import { registerLabImportCommand } from 'src/cli/commands/lab-import.command';
import { registerLabListCommand } from 'src/cli/commands/lab-list.command';
import { registerLabInventoryCommands } from 'src/cli/commands/lab-inventory.command';
import { registerLabPublishCommand } from 'src/cli/commands/lab-publish.command';
import { registerLabProvisionCommands } from 'src/cli/commands/lab-provision.command';
import { registerLabTrustCommand } from 'src/cli/commands/lab-trust.command';
import { registerLabUpCommand } from 'src/cli/commands/lab-up.command';

/** `shakedown lab …`: the simulated lab, inventories, host health and hardware. */
export function registerLabCommands(program: Command): void {
  const lab = program
    .command('lab')
    .description('run a simulated lab and publish packages into it; inspect and check an inventory; trust a host key');
  registerLabUpCommand(lab);
  registerLabImportCommand(lab);
  registerLabListCommand(lab);
  registerLabInventoryCommands(lab);
  registerLabHardwareCommand(lab);
  registerLabProvisionCommands(lab);
  registerLabTrustCommand(lab);
  registerLabDoctorCommand(lab);
  registerLabCleanCommand(lab);
  registerLabPublishCommand(lab);
}

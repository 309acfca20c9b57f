import { join } from 'node:path';
import { Command } from 'commander';
import { AppConfig } from 'src/config/config';
import { parseFaultFlag, FaultSpec } from 'src/simulator/faults/fault-board';
import { DEFAULT_LAB_CONFIG, startSimulatedLab } from 'src/simulator/lab/simulated-lab';

interface LabUpOptions {
  config?: string;
  speed: string;
  stateDir?: string;
  port: string;
  fault: string[];
}

/**
 * `shakedown lab up`: runs a simulated lab in the foreground; once every host listens it prints one
 * JSON line, the inventory (see the inventory contract), then serves until SIGINT/SIGTERM.
 */
export function registerLabUpCommand(lab: Command): void {
  lab
    .command('up')
    .description('run a simulated XCP-ng lab in the foreground and print its inventory as one JSON line')
    .option('--config <file>', 'lab config (YAML)', DEFAULT_LAB_CONFIG)
    .option('--speed <n>', 'simulated seconds per real second', '10')
    .option('--state-dir <dir>', 'host keys, client key, password and hosts files (default: SHAKEDOWN_DATA_DIR/sim)')
    .option('--port <n>', 'SSH port of every host and guest (0 = ephemeral per endpoint)', '0')
    .option(
      '--fault <host=kind[:arg]>',
      'inject a fault at start (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .action(async (opts: LabUpOptions) => {
      const speed = Number(opts.speed);
      const port = Number(opts.port);
      if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${opts.speed}`);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be 0..65535, got ${opts.port}`);
      }
      const faults: FaultSpec[] = opts.fault.map(parseFaultFlag);
      // Beside the rest of Shakedown's data, not under the working directory: in the container image
      // that is /app, which the image's user cannot write.
      const stateDir = opts.stateDir ?? join(AppConfig.fromEnv().dataDir, 'sim');
      const running = await startSimulatedLab({ config: opts.config, speed, stateDir, port, faults });
      process.stdout.write(`${JSON.stringify(running.inventory)}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.stop();
    });
}

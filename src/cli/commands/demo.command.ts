import { Command } from 'commander';
import { stopOnSignals } from 'src/app/stop-signals';
import { runDemo } from 'src/cli/demo';

/** `shakedown demo` (what `npm start` runs): the whole product on the simulated lab, then keeps serving. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'start everything on this machine (embedded PostgreSQL, simulated lab, service, worker) and run campaigns/demo.yaml',
    )
    .option('--campaign <file>', 'campaign to run', 'campaigns/demo.yaml')
    .option('--speed <n>', 'simulated lab speed factor (simulated seconds per real second)', '40')
    .option('--workers <n>', 'cases run at the same time', '4')
    .option('--skip-run', 'start everything but run no campaign (also SHAKEDOWN_SKIP_DEMO=1)')
    .option('--exit', 'stop once the run and its report are done instead of serving pages')
    .action(async (opts: { campaign: string; speed: string; workers: string; skipRun?: boolean; exit?: boolean }) => {
      const signals = stopOnSignals((line) => process.stderr.write(`shakedown: ${line}\n`));
      const demo = await runDemo({
        campaign: opts.campaign,
        speed: Number(opts.speed),
        concurrency: Number(opts.workers),
        skipRun: !!opts.skipRun || process.env.SHAKEDOWN_SKIP_DEMO === '1',
        closeWith: (close) => signals.closeWith(close),
      });
      if (opts.exit) {
        await demo.close();
        return;
      }
    });
}

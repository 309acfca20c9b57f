import { Command } from 'commander';
import { startService } from 'src/app/start-service';

/** `shakedown serve`: the API and the web pages. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the API (/api/v1, docs at /api/docs) and the web pages')
    .option('-p, --port <port>', 'HTTP port (default: PORT or 3000)')
    .option('--host <address>', 'listen address (default: HOST or 127.0.0.1)')
    .action(async (opts: { port?: string; host?: string }) => {
      const service = await startService({ port: opts.port, host: opts.host });
      process.stderr.write(`shakedown: serving on ${service.url} (API docs: ${service.url}/api/docs)\n`);
    });
}

import { spawn } from 'node:child_process';
import type { CommandRunner, ExecOptions, ExecResult } from 'src/remote/exec-result';

/**
 * Runs commands on this machine through `sh -c`, for `lab collect-hardware --local`: a community
 * tester profiles the host the command runs on, without SSH or an inventory. Only fixed commands
 * of the hardware collector run here (their arguments are shell-quoted there).
 */
export class LocalRunner implements CommandRunner {
  readonly hostName = 'localhost';

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const cap = options.maxOutputBytes ?? 4 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', command], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Tools print localised numbers and words otherwise; the parsers read the C locale.
        env: { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin`, LC_ALL: 'C' },
        timeout: options.timeoutMs,
      });
      const out = { stdout: '', stderr: '' };
      const truncated = { stdout: false, stderr: false };
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream].on('data', (d: Buffer) => {
          if (out[stream].length + d.length > cap) truncated[stream] = true;
          else out[stream] += d.toString('utf8');
        });
      }
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({
          exitCode: code,
          ...(signal ? { signal } : {}),
          ...out,
          durationMs: Date.now() - started,
          truncated,
        }),
      );
    });
  }
}

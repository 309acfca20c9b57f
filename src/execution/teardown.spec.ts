import { CommandRunner, ExecResult } from 'src/remote/exec-result';
import { tearDown } from 'src/execution/teardown';

function scriptedRunner(hostName: string, answers: Record<string, Partial<ExecResult>>, log: string[]): CommandRunner {
  return {
    hostName,
    exec: async (command) => {
      log.push(`${hostName}: ${command}`);
      const a = Object.entries(answers).find(([prefix]) => command.startsWith(prefix))?.[1] ?? {};
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, truncated: { stdout: false, stderr: false }, ...a };
    },
  };
}

describe(`${tearDown.name} (scripted runner: a mock host)`, () => {
  it('should force a VM off, uninstall it, and count an already-gone object as removed', async () => {
    const log: string[] = [];
    const marks: Array<[string, string | null]> = [];
    const runner = scriptedRunner(
      'h1',
      { 'xe vdi-destroy': { exitCode: 1, stderr: 'The uuid you supplied was invalid.' } },
      log,
    );
    const report = await tearDown(
      [
        { id: '1', hostName: 'h1', kind: 'vm', ref: 'aaaa-1', label: null },
        { id: '2', hostName: 'h1', kind: 'vdi', ref: 'bbbb-2', label: null },
        { id: '3', hostName: 'h1', kind: 'file', ref: "/tmp/it's here", label: null },
      ],
      () => runner,
      async (id, error) => void marks.push([id, error]),
    );
    expect(log).toEqual([
      'h1: xe vm-shutdown uuid=aaaa-1 --force',
      'h1: xe vm-uninstall uuid=aaaa-1 force=true',
      'h1: xe vdi-destroy uuid=bbbb-2',
      "h1: rm -rf -- '/tmp/it'\\''s here'",
    ]);
    expect(report).toEqual({ removed: 3, failed: [] });
    expect(marks).toEqual([
      ['1', null],
      ['2', null],
      ['3', null],
    ]);
  });

  it('should keep going after a failure and report it', async () => {
    const log: string[] = [];
    const runner = scriptedRunner('h1', { 'xe vm-uninstall': { exitCode: 1, stderr: 'SR_BACKEND_FAILURE_1' } }, log);
    const report = await tearDown(
      [
        { id: '1', hostName: 'h1', kind: 'vm', ref: 'a', label: null },
        { id: '2', hostName: 'gone', kind: 'vm', ref: 'b', label: null },
        { id: '3', hostName: 'h1', kind: 'file', ref: '/tmp/x', label: null },
      ],
      (h) => (h === 'h1' ? runner : null),
      async () => undefined,
    );
    expect(report.removed).toBe(1);
    expect(report.failed.map((f) => f.error)).toEqual([
      expect.stringContaining('SR_BACKEND_FAILURE_1'),
      'host gone is not in the lab any more',
    ]);
  });
});

import { join } from 'node:path';
import { hostVirtualFile, initDom0Files } from 'src/simulator/lab/host-files';
import { runShell } from 'src/simulator/shell/shell-runner';
import { CommandTable, ShellEnv } from 'src/simulator/shell/shell-types';
import { FolderVfs } from 'src/simulator/shell/vfs';
import { XeHarness } from 'src/simulator/testing/xe-harness';
import { INTERNAL_PEM, writeInternalPem } from 'src/simulator/xe/commands/certificate-commands';

interface Transcript {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * A simulated host's shell for unit specs: its dom0 files (as the lab writes them) in the harness's folder, the given
 * commands, the harness's model. Returns a function that runs one command line as `bash -c` would.
 */
export async function dom0Shell(
  harness: XeHarness,
  name: string,
  table: CommandTable,
  faults = new Set<string>(),
): Promise<(source: string) => Promise<Transcript>> {
  const host = harness.host(name);
  const faultActive = (k: string): boolean => faults.has(k);
  // the folder xe's hostPath gives for that host, so plugins and the shell see the same files
  const vfs = new FolderVfs(join(harness.root, host.name), (p) => hostVirtualFile(harness.model, host, p, faultActive));
  await vfs.init();
  await initDom0Files(vfs);
  writeInternalPem(harness.model, host, vfs.real(INTERNAL_PEM));
  const env: ShellEnv = {
    kind: 'host',
    model: harness.model,
    hostname: host.name,
    vfs,
    host: () => host,
    bootedAt: () => host.bootedAt,
    faultActive,
  };
  return async (source: string) => {
    let stdout = '';
    let stderr = '';
    const code = await runShell(
      source,
      env,
      table,
      { stdout: (c) => void (stdout += c.toString()), stderr: (c) => void (stderr += c) },
      new AbortController().signal,
    );
    return { stdout, stderr, code };
  };
}

import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { versionInfo } from 'src/simulator/model/versions';
import { CommandIo, ShellEnv } from 'src/simulator/shell/shell-types';

/**
 * What each of xen-bugtool's capabilities (`--entries=`) collects, as paths in the archive: files
 * copied from the dom0 or, for the generated ones, written from the model.
 */
const CAPABILITIES: Record<string, string[]> = {
  'xenserver-logs': ['var/log/xensource.log', 'var/log/SMlog'],
  'xenserver-databases': ['xapi-db.xml'],
  'xenserver-config': ['etc/xapi.conf', 'etc/xenopsd.conf', 'etc/xensource/pool.conf', 'etc/xensource-inventory'],
  'system-logs': ['var/log/daemon.log', 'var/log/kern.log', 'var/log/yum.log'],
  'disk-info': ['etc/fstab'],
  'hardware-info': ['acpidump.out'],
};

function generated(env: ShellEnv, path: string): string | null {
  const host = env.host();
  if (path === 'xapi-db.xml') {
    const hosts = env.model.poolHosts(host.poolUuid);
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- simulated: a summary of the lab model, not a real xapi database -->',
      `<database><manifest><pair key="schema_major_vsn" value="5"/></manifest><table name="host">`,
      ...hosts.map(
        (h) => `<row ref="OpaqueRef:${h.uuid}" uuid="${h.uuid}" name__label="${h.name}" address="${h.address}"/>`,
      ),
      '</table></database>',
      '',
    ].join('\n');
  }
  if (path === 'acpidump.out') return `DSDT @ 0x0000000000000000 (simulated ${host.name})\n`;
  return null;
}

/**
 * `xen-bugtool -y [-s] [--entries=a,b] [--output=tar.bz2|tar]`: gathers the capabilities' files
 * into `bug-report-<stamp>/…` and packs them with the shell's tar under /var/opt/xen/bug-report.
 * `-s` (silent) prints only the archive's path, which is what callers read.
 */
export async function xenBugtool(io: CommandIo, env: ShellEnv): Promise<number> {
  const opt = (name: string): string | undefined =>
    io.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const silent = io.argv.includes('-s') || io.argv.includes('--silent');
  if (!io.argv.includes('--yestoall') && !io.argv.includes('-y')) {
    io.out(
      'This application will collate dmesg output, details of the hardware configuration of your machine, ...\nDo you want to continue? [Y/n] ',
    );
    io.err('\nAborted: no answer (use --yestoall)\n');
    return 1;
  }
  const output = opt('output') ?? 'tar.bz2';
  if (output !== 'tar.bz2' && output !== 'tar') {
    io.err(`Invalid output format '${output}' (simulated: tar.bz2 and tar are modelled)\n`);
    return 2;
  }
  const wanted = (opt('entries') ?? Object.keys(CAPABILITIES).join(',')).split(',');
  const unknown = wanted.find((e) => !CAPABILITIES[e]);
  if (unknown) {
    io.err(`Unknown entry '${unknown}' (simulated: ${Object.keys(CAPABILITIES).join(', ')} are modelled)\n`);
    return 2;
  }
  const shell = io.shell;
  if (!shell) return 1;
  const stamp = new Date(env.model.clock.now()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const name = `bug-report-${stamp}`;
  const stage = `/tmp/.xen-bugtool-${randomBytes(4).toString('hex')}`;
  for (const rel of ['simulated.txt', ...wanted.flatMap((e) => CAPABILITIES[e]!)]) {
    const data =
      rel === 'simulated.txt'
        ? Buffer.from(`host ${env.host().name} XCP-ng ${versionInfo(env.host().version).productVersion} (simulated)\n`)
        : (generated(env, rel) ?? (await env.vfs.read(`/${rel}`)));
    if (data === null) continue;
    const target = posix.join(stage, name, rel);
    await shell.fs.mkdir(posix.dirname(target), { recursive: true });
    await shell.fs.writeFile(target, data);
  }
  const archive = `/var/opt/xen/bug-report/${name}.${output}`;
  const r = await shell.exec(
    `tar -c${output === 'tar.bz2' ? 'j' : ''}f '${archive}' -C '${stage}' '${name}'; rc=$?; rm -rf '${stage}'; exit $rc`,
  );
  if (r.exitCode !== 0) {
    io.err(r.stderr);
    return r.exitCode;
  }
  io.out(silent ? `${archive}\n` : `Writing tarball ${archive} successful.\n`);
  return 0;
}

import { CD_VDI_COMMANDS } from 'src/simulator/xe/commands/cd-vdi-commands';
import { SNAPSHOT_COMMANDS } from 'src/simulator/xe/commands/snapshot-commands';
import { STORAGE_COMMANDS } from 'src/simulator/xe/commands/storage-commands';
import { NETWORK_COMMANDS } from 'src/simulator/xe/commands/network-commands';
import { BOND_COMMANDS } from 'src/simulator/xe/commands/bond-commands';
import { HOST_PLUGIN_COMMANDS } from 'src/simulator/xe/commands/host-plugin-commands';
import { HOST_POWER_COMMANDS } from 'src/simulator/xe/commands/host-power-commands';
import { CERTIFICATE_COMMANDS } from 'src/simulator/xe/commands/certificate-commands';
import { EXPORT_IMPORT_COMMANDS } from 'src/simulator/xe/commands/export-import-commands';
import { INSTALL_COMMANDS } from 'src/simulator/xe/commands/install-commands';
import { LIFECYCLE_COMMANDS } from 'src/simulator/xe/commands/lifecycle-commands';
import { MIGRATE_COMMANDS } from 'src/simulator/xe/commands/migrate-commands';
import { NESTED_XE_COMMANDS } from 'src/simulator/nested/nested-xe-commands';
import { parseXeArgs } from 'src/simulator/xe/xe-args';
import { XeCommand } from 'src/simulator/xe/xe-command';
import { XeContext, XeResult } from 'src/simulator/xe/xe-context';
import { cliTable } from 'src/simulator/xe/cli-table';
import { renderHelp } from 'src/simulator/xe/cli-help';
import { genericCommand } from 'src/simulator/xe/commands/generic-commands';
import {
  notSimulated,
  renderApiError,
  requiredParam,
  unknownCommand,
  XeApiError,
  XeClientError,
  XeCliError,
  XeUsageError,
} from 'src/simulator/xe/xe-errors';

export const XE_COMMANDS: Record<string, XeCommand> = {
  ...NESTED_XE_COMMANDS,
  ...LIFECYCLE_COMMANDS,
  ...INSTALL_COMMANDS,
  ...MIGRATE_COMMANDS,
  ...EXPORT_IMPORT_COMMANDS,
  ...CD_VDI_COMMANDS,
  ...SNAPSHOT_COMMANDS,
  ...STORAGE_COMMANDS,
  ...NETWORK_COMMANDS,
  ...BOND_COMMANDS,
  ...HOST_PLUGIN_COMMANDS,
  ...HOST_POWER_COMMANDS,
  ...CERTIFICATE_COMMANDS,
};

const USAGE = `Usage: xe <command> [-s server] [-p port] ([-u user] [-pw password] or [-pwf <password file>]) [--traceparent traceparent] <other arguments>

A full list of commands can be obtained by running
	xe help -s <server> -p <port>
`;

/** xapi's own log line for a CLI call; secrets never reach it. */
function logCall(ctx: XeContext, argv: string[]): void {
  const shown = argv.map((a) => (/^(remote-)?password=/.test(a) ? `${a.split('=')[0] ?? 'password'}=(omitted)` : a));
  const level = /-(list|get)$/.test(argv[0] ?? '') ? 'debug' : ' info';
  ctx.model.log(
    ctx.host.uuid,
    '/var/log/xensource.log',
    `xapi: [${level}||${ctx.model.operations.length + 100} UNIX /var/lib/xcp/xapi||cli] xe ${shown.join(' ')}`,
  );
}

/** Runs one `xe` invocation against the model: argv in, stdout/stderr/exit code out. */
export async function runXe(ctx: XeContext, argv: string[]): Promise<XeResult> {
  if (argv.length === 0) return { stdout: '', stderr: USAGE, exitCode: 0 };
  if (ctx.faults.xapiDown(ctx.host.uuid)) {
    return { stdout: '', stderr: 'Error: Connection refused (calling connect )\n', exitCode: 1 };
  }
  let stdout = '';
  const out = { print: (line: string): void => void (stdout += `${line}\n`) };
  try {
    const args = parseXeArgs(argv);
    if (!args) return { stdout: '', stderr: USAGE, exitCode: 0 };
    checkLogin(ctx, argv);
    const table = cliTable(ctx.host.version);
    const minimal = args.params.get('minimal') === 'true';
    if (args.command === 'help') return { stdout: renderHelp(table, args.params, minimal), stderr: '', exitCode: 0 };
    logCall(ctx, argv);
    // xapi_cli.ml do_rpcs: the command must be in this release's table, then its required keys present.
    const spec = table.commands.get(args.command);
    if (!spec) throw unknownCommand(args.command);
    for (const p of spec.reqd) if (!args.params.has(p)) throw requiredParam(p);
    const command = XE_COMMANDS[args.command] ?? genericCommand(spec);
    if (!command) throw notSimulated(args.command, ctx.host.version);
    // Read the result before appending: `stdout += await …` would drop lines printed meanwhile.
    const tail = await command.run(ctx, args.params, out);
    stdout += tail;
    return { stdout, stderr: '', exitCode: 0 };
  } catch (err) {
    return { stdout, stderr: renderFailure(ctx, err), exitCode: 1 };
  }
}

/**
 * With `-s SERVER` xe logs into xapi over the network (session.login_with_password) instead of the
 * local socket, so a wrong `-u`/`-pw` is refused before the command runs.
 */
function checkLogin(ctx: XeContext, argv: string[]): void {
  const value = (switchName: string, param: string): string | undefined => {
    const i = argv.indexOf(switchName);
    if (i > 0 && i + 1 < argv.length) return argv[i + 1];
    return argv.find((a) => a.startsWith(`${param}=`))?.slice(param.length + 1);
  };
  const server = value('-s', 'server') ?? value('-h', 'server');
  const password = value('-pw', 'password');
  if (server === undefined || password === undefined || !ctx.authenticate) return;
  if (!ctx.authenticate(value('-u', 'username') ?? 'root', password)) {
    throw new XeApiError('SESSION_AUTHENTICATION_FAILED', []);
  }
}

function renderFailure(ctx: XeContext, err: unknown): string {
  if (err instanceof XeApiError) {
    ctx.model.log(
      ctx.host.uuid,
      '/var/log/xensource.log',
      `xapi: [error||${ctx.model.operations.length + 100} UNIX /var/lib/xcp/xapi||cli] Converting exception ${err.code}: [ ${err.params.join('; ')} ] into a CLI response`,
    );
    return renderApiError(err, ctx.host.version);
  }
  if (err instanceof XeCliError) return `Error: ${err.message}\n`;
  if (err instanceof XeUsageError) return `${err.lines.join('\n')}\n`;
  if (err instanceof XeClientError) return `${err.message}\n`;
  const message = err instanceof Error ? err.message : String(err);
  return renderApiError(new XeApiError('INTERNAL_ERROR', [`Failure: ${message}`]), ctx.host.version);
}

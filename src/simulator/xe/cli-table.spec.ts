import { join } from 'node:path';
import { XCP_VERSIONS } from 'src/simulator/model/types';
import { XeHarness } from 'src/simulator/testing/xe-harness';
import { cliTable } from 'src/simulator/xe/cli-table';
import { XE_COMMANDS } from 'src/simulator/xe/xe-emulator';
import { genericCommand } from 'src/simulator/xe/commands/generic-commands';

const DEFAULT_LAB = join(__dirname, '..', 'labs', 'default-lab.yaml');

describe('xe command table extracted from xen-api', () => {
  it('records its source and holds every command of each release', () => {
    const t82 = cliTable('8.2.1');
    const t83 = cliTable('8.3.0');
    expect(t82.source).toMatchObject({ tag: 'v1.249.38', commit: 'af7b9c441158e6f4d5cbaf8da5e1879f0cbe51fd' });
    expect(t83.source).toMatchObject({ tag: 'v24.19.2', commit: '5ad963ef0a34e2f9ed562ddb76c10508673fead8' });
    console.log(`xe commands: 8.2.1 ${t82.commands.size}, 8.3.0 ${t83.commands.size}`);
    expect(t82.commands.get('vm-start')?.flags).toEqual(['Standard', 'Vm_selectors']);
    // vm-migrate gained compress and image-format: after 8.2 (cli_frontend.ml at both tags)
    expect(t82.commands.get('vm-migrate')?.optn).not.toContain('compress');
    expect(t83.commands.get('vm-migrate')?.optn).toContain('compress');
  });

  it('implements only real commands, each present at both releases but for those 8.3 added', () => {
    // pool certificates (cert_refresh.ml) came after v1.249.38
    const addedIn83 = ['host-refresh-server-certificate'];
    for (const version of XCP_VERSIONS) {
      const table = cliTable(version);
      const missing = Object.keys(XE_COMMANDS).filter((name) => !table.commands.has(name));
      expect({ version, missing }).toEqual({ version, missing: version === '8.2.1' ? addedIn83 : [] });
    }
  });

  it('generates -list and -param-* commands from the record fields', () => {
    const t = cliTable('8.3.0');
    expect(t.commands.get('vm-param-add')).toMatchObject({ reqd: ['uuid', 'param-name'], optn: ['param-key'] });
    expect(t.commands.get('sr-list')?.flags).toEqual(['Standard']);
    expect(t.commands.get('vdi-param-clear')?.help).toMatch(/^Clears the specified parameter \(param-name can be /);
    expect(genericCommand(t.commands.get('snapshot-list')!)).toBeDefined();
  });
});

describe('xe help and unimplemented commands', () => {
  const lab = XeHarness.fromFile(DEFAULT_LAB);
  const host83 = [...lab.model.state.hosts.values()].find((h) => h.version === '8.3.0')!.name;

  it('xe help <cmd> prints the one-record table of rio_help, selectors paragraph included', async () => {
    const r = await lab.xe(host83, 'help', 'vm-pause');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      'command name            : vm-pause\n' +
        '        reqd params     : \n' +
        '        optional params : <vm-selectors>\n' +
        `        description     : Pause a running VM. Note this operation does not free the associated memory (see 'vm-suspend').${cliTable('8.3.0').selectorsInfo.vm}\n\n\n`,
    );
  });

  it('help for an unknown name says so on stdout, exit 0; an unknown command is a usage error', async () => {
    expect(await lab.xe(host83, 'help', 'vm-frobnicate')).toEqual({
      stdout: "Unknown command 'vm-frobnicate'\n",
      stderr: '',
      exitCode: 0,
    });
    expect(await lab.xe(host83, 'vm-frobnicate')).toEqual({
      stdout: '',
      stderr: "Unknown command: vm-frobnicate\nFor usage run: 'xe help'\n",
      exitCode: 1,
    });
  });

  it('checks required parameters from the table before anything else', async () => {
    expect(await lab.xe(host83, 'vtpm-create')).toEqual({
      stdout: '',
      stderr: "Required parameter not found: vm-uuid\nFor usage run: 'xe help'\n",
      exitCode: 1,
    });
  });

  it('a real command the simulator does not model says so plainly', async () => {
    const r = await lab.xe(host83, 'pvs-site-introduce', 'name-label=x');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      "Error: 'pvs-site-introduce' is a real xe command of XCP-ng 8.3.0 that this simulated host does not implement (simulated)\n",
    );
  });

  it('xe help lists the Standard commands; --all lists every visible one', async () => {
    const common = await lab.xe(host83, 'help');
    expect(common.stdout).toMatch(/^Usage: xe <command> \[-s server\]/);
    expect(common.stdout).toContain('Common command list\n-------------------\n    ');
    const all = await lab.xe(host83, 'help', '--all', '--minimal');
    const names = all.stdout.trim().split(',');
    expect(names).toContain('vm-param-list');
    expect(names).not.toContain('blob-get'); // Hidden
  });
});

import { xeArgv, xeCommandLine } from 'src/remote/xe/xe-args';

describe(xeArgv.name, () => {
  it('builds key=value words, maps as name:key=value, booleans as true/false and flags last', () => {
    expect(
      xeArgv(
        'vm-migrate',
        { uuid: 'u1', host: 'h1', live: true, copy: false, vdi: { 'vdi-1': 'sr-1', 'vdi-2': 'sr-2' }, skip: undefined },
        { force: true },
      ),
    ).toEqual([
      'xe',
      'vm-migrate',
      'uuid=u1',
      'host=h1',
      'live=true',
      'copy=false',
      'vdi:vdi-1=sr-1',
      'vdi:vdi-2=sr-2',
      '--force',
    ]);
  });

  it('quotes each word for the remote shell, so values can hold anything', () => {
    expect(xeCommandLine('vm-param-set', { uuid: 'u', 'name-label': "Bob's vm; reboot" })).toBe(
      "xe vm-param-set uuid=u 'name-label=Bob'\\''s vm; reboot'",
    );
    expect(xeCommandLine('vm-list', { params: 'uuid,name-label' }, { minimal: true })).toBe(
      'xe vm-list params=uuid,name-label --minimal',
    );
  });

  it('refuses names that would change the command', () => {
    expect(() => xeArgv('vm-list; reboot')).toThrow(/not a command name/);
    expect(() => xeArgv('vm-list', { 'a b': 'x' })).toThrow(/not a parameter name/);
    expect(() => xeArgv('vm-param-set', { 'other-config': { 'a=b': 'x' } })).toThrow(/not a key of map/);
  });
});

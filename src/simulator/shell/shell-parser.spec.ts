import { parseShell, ShellSyntaxError } from 'src/simulator/shell/shell-parser';

describe('simulated shell parser', () => {
  it('splits lists and keeps quoting', () => {
    const items = parseShell(`sync;fio --name='a b' "--x=\\"y\\"" && echo ok || echo no`);
    expect(items.map((i) => [i.pipeline.commands.map((c) => c.argv), i.then])).toEqual([
      [[['sync']], ';'],
      [[['fio', '--name=a b', '--x="y"']], '&&'],
      [[['echo', 'ok']], '||'],
      [[['echo', 'no']], null],
    ]);
  });

  it('parses redirections, pipes and background jobs', () => {
    const [a, b] = parseShell('stress --cpu 2 >/dev/null 2>&1 & xe vm-list | grep uuid');
    expect(a?.pipeline.background).toBe(true);
    expect(a?.pipeline.commands[0]?.redirects).toEqual([
      { fd: 1, target: '/dev/null', append: false },
      { fd: 2, target: '&1', append: false },
    ]);
    expect(b?.pipeline.commands.map((c) => c.argv)).toEqual([
      ['xe', 'vm-list'],
      ['grep', 'uuid'],
    ]);
  });

  it('keeps = and : inside words (xe map params)', () => {
    expect(parseShell('xe vm-migrate vdi:a-b=c-d live=true')[0]?.pipeline.commands[0]?.argv).toEqual([
      'xe',
      'vm-migrate',
      'vdi:a-b=c-d',
      'live=true',
    ]);
  });

  it('rejects what it does not support, saying what', () => {
    expect(() => parseShell('echo $HOME')).toThrow(ShellSyntaxError);
    expect(() => parseShell('echo "unterminated')).toThrow('unterminated double quote');
    expect(() => parseShell('true &&')).toThrow('ends with an operator');
  });
});

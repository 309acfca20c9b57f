import { keywordProblem, markerProblem, selectionArgs, testIdProblem } from 'src/scenarios/external/pytest-selection';

describe('pytest selection grammar', () => {
  it.each([
    'tests/migration/test_host_evacuate.py::TestHostEvacuate::test_host_evacuate',
    'test_pool.py',
    'tests/storage',
    'tests/a.py::test_b[ext-4k]',
  ])('accepts the test id %s', (id) => {
    expect(testIdProblem(id)).toBeNull();
  });

  it.each([
    '-p',
    '--basetemp=/',
    '/etc/passwd',
    '../outside.py',
    'tests/../../x.py',
    './test.py',
    'a.py::b;rm -rf /',
    'a b.py',
    '',
    'x'.repeat(1001),
  ])('refuses the test id %j', (id) => {
    expect(testIdProblem(id)).not.toBeNull();
  });

  it.each(['host_given', 'not slow and (migration or storage)', 'test_a[x-1] or TestB', 'not not a'])(
    'accepts the -k expression %j',
    (expr) => expect(keywordProblem(expr)).toBeNull(),
  );

  it.each([
    ['-p evil', /may not start with '-'/],
    ["x or __import__('os')", /character "'"/],
    ['a and', /expected a name/],
    ['(a or b', /not closed/],
    ['a b', /unexpected 'b'/],
    ['('.repeat(40) + 'a' + ')'.repeat(40), /nested parentheses/],
    ['a; b', /character ";"/],
  ])('refuses the -k expression %j', (expr, why) => {
    expect(keywordProblem(expr)).toMatch(why);
  });

  it('allows only marker names in -m', () => {
    expect(markerProblem('slow and not windows')).toBeNull();
    expect(markerProblem('slow.thing')).toMatch(/character "\."/);
  });

  it('puts test ids after --, so none can be read as an option', () => {
    expect(selectionArgs({ keyword: 'a', markers: 'b', tests: ['t.py'] })).toEqual([
      '-k',
      'a',
      '-m',
      'b',
      '--',
      't.py',
    ]);
    expect(selectionArgs({})).toEqual([]);
  });
});

import { isMap } from 'yaml';
import { formatYamlProblem, readUserYaml } from 'src/common/input/yaml-reader';

const options = { maxChars: 200, what: 'a test file' };

describe('readUserYaml (the one reader of users’ YAML)', () => {
  it('should give the document and the file:line:col of any node', () => {
    const { yaml, problems } = readUserYaml('name: a\npools:\n  - id: p1\n', 'lab.yaml', options);
    expect(problems).toEqual([]);
    const root = yaml!.doc.contents;
    expect(isMap(root)).toBe(true);
    const pools = isMap(root) ? root.get('pools', true) : null;
    expect(formatYamlProblem(yaml!.problemAt(pools as never, 'here'))).toBe('lab.yaml:3:3: here');
  });

  it('should refuse a text larger than the limit before parsing it, naming what the file is', () => {
    expect(readUserYaml('a: 1\n'.repeat(100), 'big.yaml', options).problems).toEqual([
      { file: 'big.yaml', line: 1, col: 1, message: 'larger than 200 characters; a test file should be far smaller' },
    ]);
  });

  it('should report nesting far beyond any user file at its position, without parsing it', () => {
    const [problem] = readUserYaml(`a: ${'['.repeat(100)}`, 'deep.yaml', { ...options, maxChars: 1000 }).problems;
    expect(problem).toMatchObject({ file: 'deep.yaml', line: 1, message: expect.stringMatching(/^YAML flow/) });
  });

  it('should report syntax errors and repeated keys at their line and column', () => {
    expect(readUserYaml('a: 1\nb: c: d\n', 'bad.yaml', options).problems[0]).toMatchObject({
      file: 'bad.yaml',
      line: 2,
      message: expect.stringMatching(/^YAML: /),
    });
    expect(readUserYaml('a: 1\na: 2\n', 'twice.yaml', options).problems).toEqual([
      { file: 'twice.yaml', line: 2, col: 1, message: expect.stringMatching(/^YAML: Map keys must be unique/) },
    ]);
    expect(readUserYaml('a: 1\na: 2\n', 'twice.yaml', { ...options, uniqueKeys: false }).problems).toEqual([]);
  });
});

import { evaluate, parseExpression } from 'src/matrix/expression';
import { compileRule } from 'src/matrix/indexed-model';
import { MatrixError, MatrixErrorCode } from 'src/matrix/matrix.errors';

const holds = (src: string, params: Record<string, unknown>): boolean =>
  evaluate(parseExpression(src), params as never);

describe('expression language', () => {
  it('compares parameters with values', () => {
    expect(holds('scope == intra-pool', { scope: 'intra-pool' })).toBe(true);
    expect(holds('scope <> intra-pool', { scope: 'cross-pool' })).toBe(true);
    expect(holds("scope != 'cross-pool'", { scope: 'cross-pool' })).toBe(false);
  });

  it('supports IN, NOT IN, AND, OR, NOT and parentheses', () => {
    const p = { a: 'x', b: 'y' };
    expect(holds('a IN [x, z]', p)).toBe(true);
    expect(holds('a not in {x, z}', p)).toBe(false);
    expect(holds('a == x AND (b == z OR NOT b == q)', p)).toBe(true);
    expect(holds('a == x && b == z || b == y', p)).toBe(true);
    expect(holds('!(a == x)', p)).toBe(false);
    expect(holds('true and not false', p)).toBe(true);
  });

  it('reads IF/THEN/ELSE as an implication', () => {
    expect(holds('IF a == x THEN b == y', { a: 'x', b: 'y' })).toBe(true);
    expect(holds('IF a == x THEN b == y', { a: 'x', b: 'z' })).toBe(false);
    expect(holds('IF a == x THEN b == y', { a: 'w', b: 'z' })).toBe(true);
    expect(holds('if a == x then b == y else b == z', { a: 'w', b: 'y' })).toBe(false);
  });

  it('compares numbers numerically and reads fields of object values', () => {
    expect(holds('mem >= 16', { mem: 32 })).toBe(true);
    expect(holds('mem < 9', { mem: 10 })).toBe(false);
    expect(holds('vm.os == windows', { vm: { os: 'windows', mem: 4 } })).toBe(true);
    expect(holds('vm.mem > 2', { vm: { os: 'windows', mem: 4 } })).toBe(true);
  });

  it.each([
    ['scope ==', 'expected a value but found the end of the expression', 8],
    ['IF a == b', 'expected THEN but found the end of the expression', 9],
    ['a == b c', "unexpected 'c' after the end of the expression", 7],
    ['process.exit(1)', "expected a comparison (==, !=, <, <=, >, >=, IN) after 'process.exit' but found '('", 12],
    ["a == 'x", 'unterminated string starting at column 6', 5],
    ['a ~ b', "unexpected character '~'", 2],
    ['scope = intra-pool', "'=' is not a comparison: write 'scope == …' to test equality", 6],
    ['(a == b', "expected ')' but found the end of the expression", 7],
  ])('rejects %j with a message and an offset', (src, message, offset) => {
    try {
      parseExpression(src);
      throw new Error('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(MatrixError);
      expect((err as MatrixError).message).toBe(message);
      expect((err as MatrixError).offset).toBe(offset);
    }
  });

  it('refuses absurdly nested input without overflowing the stack', () => {
    expect(() => parseExpression('('.repeat(3000) + 'a == b' + ')'.repeat(3000))).toThrow(MatrixError);
    expect(() => parseExpression('NOT '.repeat(900) + 'a == b')).toThrow('nested too deeply');
  });

  it('catches unknown parameters and values when compiled against axes', () => {
    const model = { names: ['storage'], values: [['shared', 'local-to-local']], levels: [2] };
    expect(() => compileRule('storage == sharde', model, 'constraints[0]')).toThrow(
      expect.objectContaining({
        code: MatrixErrorCode.UnknownValue,
        where: 'constraints[0]',
        message: "'sharde' is not a value of storage (values: shared, local-to-local)",
      }),
    );
    expect(() => compileRule('scope == x', model, 'constraints[1]')).toThrow(
      expect.objectContaining({ code: MatrixErrorCode.UnknownParameter, offset: 0 }),
    );
  });

  it('evaluates compiled rules in three values on partial rows', () => {
    const model = {
      names: ['a', 'b'],
      values: [
        ['x', 'y'],
        ['p', 'q'],
      ],
      levels: [2, 2],
    };
    const rule = compileRule('IF a == x THEN b == p', model, 'c');
    expect(rule.columns).toEqual([0, 1]);
    expect(rule.test(Int32Array.from([-1, -1]))).toBeUndefined();
    expect(rule.test(Int32Array.from([1, -1]))).toBe(true);
    expect(rule.test(Int32Array.from([0, -1]))).toBeUndefined();
    expect(rule.test(Int32Array.from([0, 1]))).toBe(false);
    expect(rule.test(Int32Array.from([-1, 0]))).toBe(true);
  });
});

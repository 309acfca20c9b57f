import { parseJsonText } from 'src/community/json-text';

describe(parseJsonText.name, () => {
  it('should name line and column of the first error', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": tru\n}', 'body')).toThrow(/^body:3:8: malformed JSON: /);
  });

  it('should point past the end when the text stops early', () => {
    expect(() => parseJsonText('{"a": [1, 2', 'bundle')).toThrow(/^bundle:1:1[0-2]: malformed JSON/);
  });

  it('should return the value of valid JSON', () => {
    expect(parseJsonText('{"a":[1]}', 'x')).toEqual({ a: [1] });
  });
});

import { shellJoin, shellQuote } from 'src/remote/shell-quote';

describe(shellQuote.name, () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('vm-start')).toBe('vm-start');
    expect(shellQuote('uuid=7e2a9c44-5b1d-11ee-8c99-0242ac120002')).toBe('uuid=7e2a9c44-5b1d-11ee-8c99-0242ac120002');
    expect(shellQuote('vdi:abc=def')).toBe('vdi:abc=def');
  });

  it('quotes spaces, metacharacters, empty strings and single quotes', () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('name-label=my vm')).toBe("'name-label=my vm'");
    expect(shellQuote('x=$(reboot)')).toBe("'x=$(reboot)'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellJoin(['xe', 'vm-list', 'name-label=a;b'])).toBe("xe vm-list 'name-label=a;b'");
  });
});

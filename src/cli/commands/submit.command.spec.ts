import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectKind } from 'src/cli/commands/submit.command';

const fixture = (path: string): string =>
  readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', path), 'utf8');

describe('submit recognises a result file by its content', () => {
  it('pytest JUnit XML, fio JSON and a Shakedown bundle', () => {
    expect(detectKind(fixture('junit/pytest-default.xml'))).toBe('junit');
    expect(detectKind(`\uFEFF  <?xml version="1.0"?>\n<testsuite name="x"></testsuite>`)).toBe('junit');
    expect(detectKind(fixture('fio/seed-randwrite.json'))).toBe('fio');
    expect(detectKind('{\n  "format": "shakedown.bundle",\n  "version": 1\n}')).toBe('bundle');
  });

  it('anything else is left for --kind to say', () => {
    expect(detectKind('<html><body>nope</body></html>')).toBeUndefined();
    expect(detectKind('{"jobs": []}')).toBeUndefined();
    expect(detectKind('plain text')).toBeUndefined();
    expect(detectKind('')).toBeUndefined();
  });
});

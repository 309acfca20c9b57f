import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from 'src/config/config-reference';

describe(configReference.name, () => {
  it('should list every variable with its default', () => {
    const table = configReference();
    expect(table).toContain('| `PORT` | `3000` |');
    expect(table).toContain('| `DATABASE_URL` | (unset) |');
  });

  it('should be what the README shows (regenerate with `npx shakedown config --markdown`)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = readme.split('<!-- config-reference:start -->')[1]?.split('<!-- config-reference:end -->')[0]?.trim();
    expect(block).toBe(configReference());
  });
});

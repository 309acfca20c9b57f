import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'import-zones.mjs');

/** What the boundary lint says of `text` placed at `path` (the rule from eslint.config.mjs, alone). */
function probe(path: string, text: string): Array<{ line: number; message: string }> {
  return JSON.parse(
    execFileSync(process.execPath, [SCRIPT, '--probe', path], { cwd: ROOT, input: text, encoding: 'utf8' }),
  );
}

describe('module boundaries (docs/architecture.md, enforced by lint)', () => {
  it('should refuse an import of the product from the simulator, naming the rule', () => {
    const found = probe(
      'src/simulator/zone-probe.ts',
      [
        "import { DomainError } from 'src/common/errors/domain-error';",
        "import type { RunStatus } from 'src/execution/run.types';",
        'export type Probe = DomainError | RunStatus;',
      ].join('\n'),
    );
    expect(found).toEqual([
      { line: 2, message: expect.stringContaining('src/simulator may import only common/errors/domain-error') },
    ]);
  });

  it('should refuse an import that runs up the drawing, and let one that runs down pass', () => {
    const found = probe(
      'src/matrix/zone-probe.ts',
      [
        "import { MatrixError } from 'src/matrix/matrix.errors';",
        "import { DomainError } from 'src/common/errors/domain-error';",
        "import { RunService } from 'src/execution/run.service';",
        'export type Probe = MatrixError | DomainError | RunService;',
      ].join('\n'),
    );
    expect(found.map((f) => f.line)).toEqual([3]);
    expect(found[0]!.message).toContain('src/matrix may import only common');
  });

  it('should let a deeper row replace its parent: reports/read may not reach comparison', () => {
    const text =
      "import type { ComparisonReport } from 'src/comparison/comparison.types';\nexport type P = ComparisonReport;\n";
    expect(probe('src/reports/zone-probe.ts', text)).toEqual([]);
    expect(probe('src/reports/read/zone-probe.ts', text)).toHaveLength(1);
  });

  it('should find the table and the code of this repository in agreement', () => {
    const res = spawnSync(process.execPath, [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(res.stdout).toBe('');
    expect(res.status).toBe(0);
  });

  it('should report a folder without a row and a row that lists an import no file makes', () => {
    const root = mkdtempSync(join(tmpdir(), 'import-zones-'));
    try {
      for (const dir of ['docs', 'src/a', 'src/b', 'src/c']) mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, 'src/a/a.ts'), 'export const a = 1;\n');
      writeFileSync(join(root, 'src/b/b.ts'), "import { a } from 'src/a/a';\nexport const b = a;\n");
      writeFileSync(
        join(root, 'docs/architecture.md'),
        [
          '<!-- import-zones:start -->',
          '| folder | may import |',
          '|---|---|',
          '| `a` | `b` |',
          '| `b` | `a` |',
          '<!-- import-zones:end -->',
        ].join('\n'),
      );
      const res = spawnSync(process.execPath, [SCRIPT, '--check', '--root', root], { encoding: 'utf8' });
      expect(res.stdout.trim().split('\n')).toEqual([
        'src/c has no row in docs/architecture.md',
        'src/a lists b but imports nothing of it',
      ]);
      expect(res.status).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

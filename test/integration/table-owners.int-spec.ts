import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'table-owners.mjs');

function check(root: string): { lines: string[]; status: number | null } {
  const res = spawnSync(process.execPath, [SCRIPT, '--check', '--root', root], { encoding: 'utf8' });
  return { lines: res.stdout.trim().split('\n').filter(Boolean), status: res.status };
}

describe('table owners (docs/architecture.md, checked against the SQL of src/)', () => {
  it('should find the table of owners and the code of this repository in agreement', () => {
    expect(check(ROOT)).toEqual({ lines: [], status: 0 });
  });

  it('should report SQL outside the owner, a stale reader, and a table without a row', () => {
    const root = mkdtempSync(join(tmpdir(), 'table-owners-'));
    try {
      for (const dir of ['docs', 'src/database/migrations', 'src/a', 'src/b', 'src/c']) {
        mkdirSync(join(root, dir), { recursive: true });
      }
      writeFileSync(
        join(root, 'src/database/migrations/1-Init.ts'),
        'q.query(`CREATE TABLE things (id int)`); q.query(`CREATE TABLE others (id int)`);\n',
      );
      writeFileSync(join(root, 'src/a/thing.repository.ts'), 'q.query(`INSERT INTO things (id) VALUES (1)`);\n');
      writeFileSync(join(root, 'src/b/report.ts'), 'q.query(`SELECT t.id FROM others o JOIN things t ON true`);\n');
      writeFileSync(join(root, 'src/c/old.ts'), '// reads nothing any more: select from things was moved\n');
      writeFileSync(join(root, 'src/a/thing.repository.spec.ts'), 'q.query(`DELETE FROM things`);\n');
      writeFileSync(
        join(root, 'docs/architecture.md'),
        [
          '<!-- table-owners:start -->',
          '| table | owner | still read directly by |',
          '|---|---|---|',
          '| `things` | `a/thing.repository.ts` | `c/old.ts` |',
          '| `gone` | `a/thing.repository.ts` |  |',
          '<!-- table-owners:end -->',
        ].join('\n'),
      );
      expect(check(root)).toEqual({
        lines: [
          'table others (created by a migration) has no owner row',
          'row gone: no migration creates this table',
          'src/b/report.ts names table things in SQL: it belongs to src/a/thing.repository.ts; go through its service',
          'row things: src/c/old.ts does not name the table in SQL; drop it from the row',
        ],
        status: 1,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

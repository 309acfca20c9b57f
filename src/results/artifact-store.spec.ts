import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from 'src/results/artifact-store';

describe(ArtifactStore.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'artifacts-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('should store content under its sha256 and give it back', async () => {
    const sut = new ArtifactStore(root);
    const { sha256, sizeBytes } = await sut.put('hello');
    expect(sha256).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(sizeBytes).toBe(5);
    expect(readFileSync(sut.pathOf(sha256), 'utf8')).toBe('hello');
    expect(sut.has(sha256)).toBe(true);
  });

  it('should refuse a name that is not a digest (no path tricks)', () => {
    expect(() => new ArtifactStore(root).pathOf('../../etc/passwd')).toThrow(/not a sha256 digest/);
  });
});

import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/**
 * Artifacts (logs, status reports, raw fio JSON) live on disk, named by their sha256; the database
 * keeps the digest. Identical content is stored once.
 */
export class ArtifactStore {
  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 digest: ${sha256.slice(0, 80)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(content: string | Buffer): Promise<{ sha256: string; sizeBytes: number }> {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const sha256 = createHash('sha256').update(data).digest('hex');
    const path = this.pathOf(sha256);
    if (!existsSync(path)) {
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, path);
    }
    return { sha256, sizeBytes: data.length };
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  open(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }
}

import { createHash } from 'node:crypto';

/**
 * Deterministic uuids: the same lab config always yields the same uuids, so transcripts and
 * fixtures stay stable between runs. Objects created at run time draw from a counter.
 */
export class IdSource {
  private counter = 0;

  constructor(private readonly seed: string) {}

  uuidFor(key: string): string {
    const hex = createHash('sha256').update(`${this.seed}\0${key}`).digest('hex');
    // Shape it as a version-4 uuid (variant 10xx) like xapi's random ones.
    const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  next(kind: string): string {
    this.counter += 1;
    return this.uuidFor(`runtime:${kind}:${this.counter}`);
  }

  mac(key: string): string {
    const hex = createHash('sha256').update(`${this.seed}\0mac\0${key}`).digest('hex');
    const bytes = [0x02, ...[0, 1, 2, 3, 4].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16))];
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
}

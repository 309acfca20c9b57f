import { createHash } from 'node:crypto';

/** OpenSSH's form: "SHA256:" + unpadded base64 of sha256 over the host key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function isFingerprint(text: string): boolean {
  return FINGERPRINT.test(text);
}

export type HostKeySource = 'inventory' | 'first-use';

export interface PinnedHostKey {
  fingerprint: string;
  source: HostKeySource;
}

/** Where first-seen host keys are remembered, so that a later change is caught. */
export interface HostKeyStore {
  get(hostName: string): Promise<PinnedHostKey | undefined>;
  /** Pins `fingerprint` unless one is pinned already; returns whichever is pinned afterwards. */
  recordFirstUse(hostName: string, fingerprint: string): Promise<PinnedHostKey>;
}

export class InMemoryHostKeyStore implements HostKeyStore {
  private readonly pins = new Map<string, PinnedHostKey>();

  async get(hostName: string): Promise<PinnedHostKey | undefined> {
    return this.pins.get(hostName);
  }

  async recordFirstUse(hostName: string, fingerprint: string): Promise<PinnedHostKey> {
    const existing = this.pins.get(hostName);
    if (existing) return existing;
    const pin: PinnedHostKey = { fingerprint, source: 'first-use' };
    this.pins.set(hostName, pin);
    return pin;
  }
}

import { createHash } from 'node:crypto';

/** OpenSSH's form: "SHA256:" + unpadded base64 of sha256 over the host key blob. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function isFingerprint(text: string): boolean {
  return FINGERPRINT.test(text);
}

/** Where a pin came from: the inventory, the first connection, or an operator's `lab trust`. */
export type HostKeySource = 'inventory' | 'first-use' | 'trusted';

export interface PinnedHostKey {
  fingerprint: string;
  source: HostKeySource;
}

/**
 * Which pin a connection checks: a lab's host (pinned for every process, in the database), or an
 * endpoint of no lab (guests, hosts of an inventory file not imported), pinned for this process only.
 */
export interface HostKeySubject {
  name: string;
  lab?: string;
}

/** Where first-seen host keys are remembered, so that a later change is caught. */
export interface HostKeyStore {
  get(subject: HostKeySubject): Promise<PinnedHostKey | undefined>;
  /** Pins `fingerprint` unless one is pinned already; returns whichever is pinned afterwards. */
  recordFirstUse(subject: HostKeySubject, fingerprint: string): Promise<PinnedHostKey>;
  /** Notes that the host offered another key than its pin (shown by `lab check` and the lab's page). */
  recordMismatch?(subject: HostKeySubject, offered: string): Promise<void>;
}

function subjectKey(s: HostKeySubject): string {
  return s.lab === undefined ? s.name : `${s.lab}\u0000${s.name}`;
}

export class InMemoryHostKeyStore implements HostKeyStore {
  private readonly pins = new Map<string, PinnedHostKey>();

  async get(subject: HostKeySubject): Promise<PinnedHostKey | undefined> {
    return this.pins.get(subjectKey(subject));
  }

  async recordFirstUse(subject: HostKeySubject, fingerprint: string): Promise<PinnedHostKey> {
    const key = subjectKey(subject);
    const existing = this.pins.get(key);
    if (existing) return existing;
    const pin: PinnedHostKey = { fingerprint, source: 'first-use' };
    this.pins.set(key, pin);
    return pin;
  }
}

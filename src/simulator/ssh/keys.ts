import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParsedKey, utils } from 'ssh2';

/** OpenSSH's fingerprint form: "SHA256:" + unpadded base64 of sha256 over the public key blob. */
export function fingerprint(publicKeyText: string): string {
  const key = parseOne(publicKeyText);
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

export function parseOne(text: string | Buffer): ParsedKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) throw new Error(`cannot parse SSH key: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error('cannot parse SSH key: empty');
  return key as ParsedKey;
}

function writeAtomically(path: string, data: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

/**
 * A new ed25519 pair in OpenSSH form. ssh2 writes about one key in 200 that its own parser then calls
 * malformed (measured: 15 in 3,000); such a pair is drawn again.
 */
export function generateEd25519(comment?: string): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', comment === undefined ? {} : { comment });
    const usable = !(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error);
    if (usable || attempt >= 20) return pair;
  }
}

interface KeyPairFiles {
  privatePath: string;
  privateKey: string;
  publicKey: string;
}

/** Loads `<dir>/<name>` (+ .pub) or creates an ed25519 pair there; keys stay stable across runs. */
export function loadOrCreateKeyPair(dir: string, name: string, comment: string): KeyPairFiles {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, name);
  if (!existsSync(privatePath) || !existsSync(`${privatePath}.pub`)) {
    const pair = generateEd25519(comment);
    writeAtomically(`${privatePath}.pub`, `${pair.public}\n`, 0o644);
    writeAtomically(privatePath, pair.private, 0o600);
  }
  return {
    privatePath,
    privateKey: readFileSync(privatePath, 'utf8'),
    publicKey: readFileSync(`${privatePath}.pub`, 'utf8').trim(),
  };
}

/** The lab's root password, generated once and kept in the state dir (mode 0600). */
export function loadOrCreatePassword(dir: string): { path: string; password: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'root-password');
  if (!existsSync(path)) writeAtomically(path, `${randomBytes(12).toString('base64url')}\n`, 0o600);
  return { path, password: readFileSync(path, 'utf8').replace(/\r?\n$/, '') };
}

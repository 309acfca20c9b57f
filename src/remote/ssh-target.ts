/**
 * Where a secret lives, never the secret. Resolved at connect time only (see credentials.ts).
 * Mirrors the inventory's `credentials:` forms.
 */
export type CredentialRef =
  | { passwordEnv: string }
  | { passwordFile: string }
  | { keyFile: string; passphraseEnv?: string }
  | { agent: true; socket?: string };

/** One SSH endpoint: a pool host, or a guest. */
export interface SshTarget {
  /** Stable name: pins the host key and names the host in errors. */
  name: string;
  address: string;
  port: number;
  username: string;
  credential: CredentialRef;
  /**
   * How a cancelled command is stopped: its process group killed (a POSIX shell: XCP-ng hosts, Linux
   * guests; the default), or its channel closed (the simulator, where a command ends with its channel).
   */
  stopRemote?: 'process-group' | 'channel';
  /** The lab that pins this host's key for every process; none for guests (pinned per process). */
  lab?: string;
  /** Expected host key fingerprint ("SHA256:…"). Without it, the first key seen is pinned. */
  hostKey?: string;
}

export function targetKey(t: SshTarget): string {
  return `${t.lab ?? ''}/${t.name}|${t.username}@${t.address}:${t.port}`;
}

export function describeCredential(ref: CredentialRef): string {
  if ('passwordEnv' in ref) return `password from environment variable ${ref.passwordEnv}`;
  if ('passwordFile' in ref) return `password from file ${ref.passwordFile}`;
  if ('keyFile' in ref) return `private key ${ref.keyFile}`;
  return 'ssh-agent';
}

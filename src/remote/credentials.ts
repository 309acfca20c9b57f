import { readFile } from 'node:fs/promises';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { CredentialRef } from 'src/remote/ssh-target';

/** The secret material ssh2 needs; lives only for the duration of one connect. */
interface ResolvedAuth {
  password?: string;
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

function unavailable(host: string, what: string): RemoteError {
  return new RemoteError(
    `host ${host}: cannot use its credential: ${what}`,
    RemoteErrorCode.CredentialUnavailable,
    host,
  );
}

async function readSecretFile(host: string, path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw unavailable(host, `${what} ${path} cannot be read (${reason})`);
  }
}

function fromEnv(host: string, env: Env, variable: string, what: string): string {
  const value = env[variable];
  if (value === undefined || value === '') {
    throw unavailable(host, `${what} environment variable ${variable} is not set`);
  }
  return value;
}

/** Reads a password reference (env var or file); used for credentials and for xe's remote-password. */
export async function resolvePassword(
  host: string,
  ref: { passwordEnv: string } | { passwordFile: string },
  env: Env = process.env,
): Promise<string> {
  if ('passwordEnv' in ref) return fromEnv(host, env, ref.passwordEnv, 'password');
  // A trailing newline is what `echo secret > file` leaves; it is never part of the password.
  return (await readSecretFile(host, ref.passwordFile, 'password file')).toString('utf8').replace(/\r?\n$/, '');
}

export async function resolveAuth(host: string, ref: CredentialRef, env: Env = process.env): Promise<ResolvedAuth> {
  if ('passwordEnv' in ref || 'passwordFile' in ref) return { password: await resolvePassword(host, ref, env) };
  if ('keyFile' in ref) {
    const privateKey = await readSecretFile(host, ref.keyFile, 'private key file');
    const passphrase = ref.passphraseEnv ? fromEnv(host, env, ref.passphraseEnv, 'key passphrase') : undefined;
    return passphrase === undefined ? { privateKey } : { privateKey, passphrase };
  }
  const agent = ref.socket ?? env.SSH_AUTH_SOCK;
  if (!agent) throw unavailable(host, 'ssh-agent requested but SSH_AUTH_SOCK is not set');
  return { agent };
}

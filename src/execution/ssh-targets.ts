import { CredentialRef, SshTarget } from 'src/remote/ssh-target';
import { LabHostView, LabView } from 'src/lab/lab-view';

/**
 * Inventory credential references (`key_file`, `password_env`, …, as the YAML writes them, or
 * already camel-cased) into the remote layer's form. The secret itself is never here.
 */
function credentialOf(raw: Record<string, unknown> | undefined, where: string): CredentialRef {
  const r = raw ?? {};
  const str = (a: string, b: string): string | undefined => {
    const v = r[a] ?? r[b];
    return typeof v === 'string' && v ? v : undefined;
  };
  const keyFile = str('key_file', 'keyFile');
  if (keyFile) {
    const passphraseEnv = str('passphrase_env', 'passphraseEnv');
    return passphraseEnv ? { keyFile, passphraseEnv } : { keyFile };
  }
  const passwordEnv = str('password_env', 'passwordEnv');
  if (passwordEnv) return { passwordEnv };
  const passwordFile = str('password_file', 'passwordFile');
  if (passwordFile) return { passwordFile };
  if (r.agent === true) return { agent: true };
  throw new Error(`${where} has no usable credential reference (key_file, password_env, password_file or agent)`);
}

/** The inventory's named credential for guests, if any. */
function guestCredential(lab: LabView): Record<string, unknown> | undefined {
  const inv = lab.inventory as {
    credentials?: Record<string, Record<string, unknown>>;
    guest_credential?: string;
    guestCredential?: string;
  };
  const name = inv.guestCredential ?? inv.guest_credential;
  return name ? inv.credentials?.[name] : undefined;
}

/**
 * The password xe sends as remote-password= to a pool's master (storage motion, cross-pool migration):
 * the pool's `xapiCredential` in the stored inventory, still a reference that the xe client resolves.
 */
export function xapiPasswordOf(
  lab: LabView,
  poolName: string,
): { passwordEnv: string } | { passwordFile: string } | undefined {
  const inv = lab.inventory as {
    credentials?: Record<string, Record<string, unknown>>;
    pools?: Array<{ name?: string; xapiCredential?: string; xapi_credential?: string }>;
  };
  const pool = inv.pools?.find((p) => p.name === poolName);
  const name = pool?.xapiCredential ?? pool?.xapi_credential;
  if (!name) return undefined;
  const ref = credentialOf(inv.credentials?.[name], `pool ${poolName} xapi_credential ${name}`);
  if ('passwordEnv' in ref) return { passwordEnv: ref.passwordEnv };
  if ('passwordFile' in ref) return { passwordFile: ref.passwordFile };
  throw new Error(
    `pool ${poolName}: xapi_credential ${name} is not a password reference (password_env or password_file)`,
  );
}

/** A lab host's SSH endpoint; its key is pinned in the lab (see PgHostKeyStore). */
export function hostTarget(lab: Pick<LabView, 'name' | 'simulated'>, host: LabHostView): SshTarget {
  return {
    name: host.name,
    lab: lab.name,
    // The simulator ends a command with its channel; real hosts need its process group killed.
    stopRemote: lab.simulated || host.tags.includes('simulated') ? 'channel' : 'process-group',
    address: host.address,
    port: host.port,
    username: host.username,
    credential: credentialOf(host.credentialRef, `host ${host.name}`),
    hostKey: host.hostKey ?? undefined,
  };
}

export function guestTarget(lab: LabView, vmName: string, address: string, port?: number): SshTarget {
  const inv = lab.inventory as { guest_port?: number; guestPort?: number; guest_user?: string; guestUser?: string };
  return {
    name: `guest:${vmName}@${address}`,
    address,
    port: port ?? inv.guestPort ?? inv.guest_port ?? 22,
    username: inv.guestUser ?? inv.guest_user ?? 'root',
    credential: credentialOf(guestCredential(lab), `lab ${lab.name} guest_credential`),
    stopRemote: lab.simulated ? 'channel' : 'process-group',
  };
}

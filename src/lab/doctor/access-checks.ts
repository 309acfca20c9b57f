import { DoctorNeeds, DoctorRow, ok, xeDidNotAnswer } from 'src/lab/doctor/doctor-row';
import { describeError } from 'src/lab/host-health.service';
import { LabInventory } from 'src/lab/lab-inventory';
import { resolvePassword } from 'src/remote/credentials';
import { XeClient } from 'src/remote/xe/xe-client';
import { XeError } from 'src/remote/xe/xe.errors';

/** The tools ISO the guest-tools cases insert is in the pool's ISO library. */
export async function toolsIso(xe: XeClient, pool: string, isoName: string): Promise<DoctorRow> {
  const check = `guest-tools ISO (${isoName})`;
  try {
    const names = (await xe.records('cd-list', { params: 'name-label' })).map((r) => r['name-label'] ?? '');
    if (names.includes(isoName)) return ok(check, pool, 'in the ISO library');
    return {
      check,
      subject: pool,
      status: 'fail',
      detail: `not among the pool's CDs (${names.join(', ') || 'none'})`,
      fix: 'reinstall the xcp-ng-pv-tools package on the hosts (it provides the XCP-ng Tools SR), then xe sr-scan on that SR',
    };
  } catch (err) {
    return xeDidNotAnswer(check, pool, describeError(err), 'cd-list');
  }
}

/**
 * The pool's xapi credential logs into its master for real (`xe -s MASTER -u USER -pw …`), as
 * storage motion and cross-pool migration will with `remote-password=`.
 */
export async function xapiLogin(
  xe: XeClient,
  lab: LabInventory,
  poolName: string,
  needs: DoctorNeeds,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DoctorRow | null> {
  const check = 'xapi login with the pool credential';
  const pool = lab.pool(poolName);
  const master = lab.host(pool.master).host;
  const credName = pool.xapiCredential ?? master.credential;
  const cred = lab.inventory.credentials[credName];
  if (!cred || !('passwordEnv' in cred || 'passwordFile' in cred)) {
    if (!needs.xapiLogin) return null;
    return {
      check,
      subject: poolName,
      status: 'fail',
      detail: `${pool.master} is reached with a key and the pool has no xapi_credential`,
      fix: `give pool ${poolName} an xapi_credential (password_env or password_file) in the inventory: storage motion and cross-pool migration send it as remote-password`,
    };
  }
  const source = pool.xapiCredential ? `xapi_credential ${credName}` : `SSH credential ${credName}`;
  try {
    const password = await resolvePassword(pool.master, cred, env);
    await xe.call('pool-list', { server: master.address, username: master.user, password }, { minimal: true });
    return ok(check, poolName, `${master.user}@${master.address} accepted (${source})`);
  } catch (err) {
    const refused = err instanceof XeError && err.code === 'SESSION_AUTHENTICATION_FAILED';
    return {
      check,
      subject: poolName,
      status: refused || needs.xapiLogin ? 'fail' : 'warn',
      detail: refused ? `${pool.master} refused ${master.user} with ${source}` : describeError(err),
      fix: refused
        ? `put ${pool.master}'s current ${master.user} password where ${source} points`
        : `check that ${source} is readable here and xapi answers on ${pool.master}`,
    };
  }
}

import { LabView } from 'src/lab/lab-view';
import { xapiPasswordOf } from 'src/execution/ssh-targets';

const lab = (pools: Array<Record<string, unknown>>): LabView => ({
  id: 'l',
  name: 'lab',
  simulated: true,
  pools: [],
  inventory: {
    credentials: {
      key: { keyFile: '/abs/key' },
      pw: { passwordFile: '/abs/root-password' },
      env: { password_env: 'XAPI_PW' },
    },
    pools,
  },
});

describe(xapiPasswordOf.name, () => {
  it('resolves a pool xapi_credential to a password reference, never the secret', () => {
    expect(xapiPasswordOf(lab([{ name: 'p1', xapiCredential: 'pw' }]), 'p1')).toEqual({
      passwordFile: '/abs/root-password',
    });
    expect(xapiPasswordOf(lab([{ name: 'p1', xapi_credential: 'env' }]), 'p1')).toEqual({ passwordEnv: 'XAPI_PW' });
  });

  it('gives nothing for a pool without one, and refuses a key as an xapi password', () => {
    expect(xapiPasswordOf(lab([{ name: 'p1' }]), 'p1')).toBeUndefined();
    expect(xapiPasswordOf(lab([{ name: 'p1', xapiCredential: 'pw' }]), 'other')).toBeUndefined();
    expect(() => xapiPasswordOf(lab([{ name: 'p1', xapiCredential: 'key' }]), 'p1')).toThrow(
      'pool p1: xapi_credential key is not a password reference (password_env or password_file)',
    );
  });
});

import { describeFailure, detectErrorCode, failureSignature, normalizeMessage } from 'src/results/signature';

// Error texts as the real xe CLI prints them (shared/reference/xe-cli.md §1.7 and §3).
const badPowerState = (uuid: string, name: string, actual = 'running') =>
  [
    "You attempted an operation on a VM that was not in an appropriate power state at the time; for example, you attempted to start a VM that was already running. The parameters returned are the VM's handle, and the expected and actual VM state at the time of the call.",
    `vm: ${uuid} (${name})`,
    'expected: halted',
    `actual: ${actual}`,
  ].join('\n');

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
const uuidOf = (i: number) =>
  `${hex(i * 7919 + 0x7e2a9c44, 8)}-${hex(i * 31 + 0x5b1d, 4)}-11ee-8c99-${hex(i * 104729 + 0x0242ac12, 12)}`;

describe('failure signatures', () => {
  it('folds one regression hitting 40 cases (different VMs, names, uuids) into one signature', () => {
    const sigs = new Set(
      Array.from({ length: 40 }, (_, i) =>
        failureSignature('VM_BAD_POWER_STATE', badPowerState(uuidOf(i), `shakedown-vm-${i}`)),
      ),
    );
    expect(sigs.size).toBe(1);
    const [sig] = [...sigs];
    expect(sig).toMatch(/^VM_BAD_POWER_STATE:[0-9a-f]{10}$/);
  });

  it('keeps what names the defect: another code or another state is another signature', () => {
    const a = failureSignature('VM_BAD_POWER_STATE', badPowerState(uuidOf(1), 'debian12'));
    expect(failureSignature('VM_BAD_POWER_STATE', badPowerState(uuidOf(1), 'debian12', 'paused'))).not.toBe(a);
    expect(failureSignature('VM_LACKS_FEATURE', badPowerState(uuidOf(1), 'debian12'))).not.toBe(a);
  });

  it('normalises the variable parts of real xe errors', () => {
    expect(normalizeMessage(badPowerState(uuidOf(3), 'win10 (uefi)'))).toContain('vm: <uuid> (<name>)');
    expect(
      normalizeMessage(
        'The server failed to handle your request, due to an internal error. The given message may give details useful for debugging the problem.\nmessage: xenopsd internal error: VM = 0633ac6e-b374-fa16-8c96-4cfcda8b2e61; domid = 31; Bootloader.Unknown_bootloader xenpvnetboot',
      ),
    ).toBe(
      'The server failed to handle your request, due to an internal error. The given message may give details useful for debugging the problem.\nmessage: xenopsd internal error: VM = <uuid>; domid = <n>; Bootloader.Unknown_bootloader xenpvnetboot',
    );
    expect(
      normalizeMessage(
        'Not enough server memory is available to perform this operation.\nneeded: 4294967296\navailable: 1073741824',
      ),
    ).toBe('Not enough server memory is available to perform this operation.\nneeded: <n>\navailable: <n>');
    expect(normalizeMessage('Operation failed. Error: Sys_error("/var/tmp/export-17.xva: File exists")')).toBe(
      'Operation failed. Error: Sys_error("<path>: File exists")',
    );
    expect(
      normalizeMessage('ssh 10.1.2.3:22 dropped at 2026-11-25T18:16:12.288693+00:00 (mac 00:16:3e:12:34:56)'),
    ).toBe('ssh <ip> dropped at <time> (mac <mac>)');
    expect(
      normalizeMessage(
        '[20231005T12:34:56.789Z|debug|host1|123 ||xapi] task OpaqueRef:8f1c2d3e-0000-4c3a-9d2e-1f2a3b4c5d6e at 0x7f18724c92d0 sha 9f86d081884c7d65',
      ),
    ).toBe('[<time>|debug|host1|<n> ||xapi] task <ref> at <hex> sha <hex>');
  });

  it('folds the same SM failure on different devices and keeps the SM error number in the code', () => {
    const msg = (dev: string) =>
      `Error code: SR_BACKEND_FAILURE_90\nError parameters: , The request is missing the device parameter ${dev},`;
    expect(detectErrorCode(msg('/dev/sdb'))).toBe('SR_BACKEND_FAILURE_90');
    const a = describeFailure(undefined, msg('/dev/sdb'));
    expect(a.code).toBe('SR_BACKEND_FAILURE_90');
    expect(a.signature).toBe(failureSignature('', msg('/dev/nvme0n1')));
    expect(failureSignature(null, msg('/dev/sdb').replace('_90', '_47'))).not.toBe(a.signature);
  });

  it('handles client-side errors without a code', () => {
    const d = describeFailure(null, 'Error: Connection refused (calling connect )');
    expect(d).toMatchObject({ code: 'UNKNOWN', normalized: 'Error: Connection refused (calling connect )' });
    expect(detectErrorCode('HOST_OFFLINE\nhost: 1.2.3.4')).toBe('HOST_OFFLINE');
  });

  it('is stable: the same input always gives the same signature', () => {
    expect(failureSignature('X', 'a 1')).toBe(failureSignature('X', 'a   2'));
    expect(failureSignature('X', 'a 1')).toBe('X:' + describeFailure('X', 'a 7').signature.split(':')[1]);
  });

  it('bounds the normalised text of huge messages', () => {
    expect(normalizeMessage('word '.repeat(10000)).length).toBeLessThanOrEqual(600);
  });
});

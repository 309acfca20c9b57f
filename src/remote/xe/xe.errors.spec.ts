import { ExecResult } from 'src/remote/exec-result';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { XeCliErrorCode, XeError, xeFailure } from 'src/remote/xe/xe.errors';

function failed(stderr: string, exitCode: number | null = 1, stdout = ''): ExecResult {
  return { exitCode, stdout, stderr, durationMs: 1, truncated: { stdout: false, stderr: false } };
}

function xeError(stderr: string, exitCode?: number | null): XeError {
  const err = xeFailure('vm-start', 'xcp1', failed(stderr, exitCode));
  expect(err).toBeInstanceOf(XeError);
  return err as XeError;
}

describe(xeFailure.name, () => {
  it('maps the datamodel form (description line, then name: value lines) to the real code', () => {
    const err = xeError(
      [
        "You attempted an operation on a VM that was not in an appropriate power state at the time; for example, you attempted to start a VM that was already running. The parameters returned are the VM's handle, and the expected and actual VM state at the time of the call.",
        'vm: 7e2a9c44-5b1d-11ee-8c99-0242ac120002 (debian12)',
        'expected: halted',
        'actual: running',
        '',
      ].join('\n'),
    );
    expect(err.code).toBe('VM_BAD_POWER_STATE');
    expect(err.params).toEqual({
      vm: '7e2a9c44-5b1d-11ee-8c99-0242ac120002 (debian12)',
      expected: 'halted',
      actual: 'running',
    });
    expect(err.message).toContain('xe vm-start on xcp1 failed: VM_BAD_POWER_STATE');
  });

  it('maps the "Error code:" / "Error parameters:" form, keeping empty parameters', () => {
    const err = xeError(
      'Error code: SR_BACKEND_FAILURE_90\nError parameters: , The request is missing the device parameter, \n',
    );
    expect(err.code).toBe('SR_BACKEND_FAILURE_90');
    expect(err.paramValues).toEqual(['', 'The request is missing the device parameter', '']);
    // The same output after a strip (as xcp-ng-tests prints it) reads the same.
    expect(
      xeError('Error code: SR_BACKEND_FAILURE_90\nError parameters: , The request is missing the device parameter,')
        .paramValues,
    ).toEqual(['', 'The request is missing the device parameter', '']);
    expect(xeError('Error code: SR_NOT_SHARED\nError parameters: \n').paramValues).toEqual([]);
  });

  it('knows the 8.2 wording of renamed errors and errors without parameters', () => {
    const slave = xeError(
      'You cannot make regular API calls directly on a pool member. Please pass API calls via the master host.\nMaster IP address: 10.0.0.1\n',
    );
    expect(slave.code).toBe('HOST_IS_SLAVE');
    expect(slave.params).toEqual({ 'Master IP address': '10.0.0.1' });
    expect(xeError('There were no servers available to complete the specified operation.\n').code).toBe(
      'NO_HOSTS_AVAILABLE',
    );
  });

  it('keeps INTERNAL_ERROR messages whole', () => {
    const err = xeError(
      'The server failed to handle your request, due to an internal error. The given message may give details useful for debugging the problem.\n' +
        'message: xenopsd internal error: VM = 0633ac6e-b374-fa16-8c96-4cfcda8b2e61; domid = 31; Bootloader.Unknown_bootloader xenpvnetboot\n',
    );
    expect(err.code).toBe('INTERNAL_ERROR');
    expect(err.params.message).toBe(
      'xenopsd internal error: VM = 0633ac6e-b374-fa16-8c96-4cfcda8b2e61; domid = 31; Bootloader.Unknown_bootloader xenpvnetboot',
    );
  });

  it('maps CLI-side "Error: …" lines', () => {
    expect(xeError('Error: No matching VMs found\n').code).toBe(XeCliErrorCode.NoMatch);
    const key = xeError('Error: Key foo not found in map\n');
    expect(key).toMatchObject({ code: XeCliErrorCode.KeyNotInMap, params: { key: 'foo' } });
    const ro = xeError("Error: Field 'power-state' is read-only.\n");
    expect(ro.code).toBe(XeCliErrorCode.Cli);
    expect(ro.message).toContain("Field 'power-state' is read-only.");
  });

  it('maps unknown commands, missing parameters and syntax errors', () => {
    expect(xeError("Unknown command: vm-frobnicate\nFor usage run: 'xe help'\n")).toMatchObject({
      code: XeCliErrorCode.UnknownCommand,
      params: { command: 'vm-frobnicate' },
    });
    expect(xeError("Required parameter not found: new-name-label\nFor usage run: 'xe help'\n")).toMatchObject({
      code: XeCliErrorCode.MissingParameter,
      params: { parameter: 'new-name-label' },
    });
    expect(xeError("Syntax error: \nFor usage run: 'xe help'\n").code).toBe(XeCliErrorCode.SyntaxError);
    expect(xeError('bash: xe: command not found\n', 127).code).toBe(XeCliErrorCode.NotInstalled);
  });

  it('skips VM messages printed before the error', () => {
    const err = xeError(
      "Message: time=2024-01-01T00:00:00Z priority=2 name='VM_CRASHED'\nError: No matching VMs found\n",
    );
    expect(err.code).toBe(XeCliErrorCode.NoMatch);
  });

  it('treats xapi being down as a retryable infra error, not a product failure', () => {
    for (const stderr of [
      'Error: Connection refused (calling connect )\n',
      'Lost connection to the server.\n',
      'The host toolstack is still initialising. Please wait.\n',
    ]) {
      const err = xeFailure('vm-list', 'xcp1', failed(stderr));
      expect(err).toBeInstanceOf(RemoteError);
      expect(err).toMatchObject({ code: RemoteErrorCode.XapiUnavailable, retryable: true, host: 'xcp1' });
    }
  });

  it('keeps anything else as an unrecognised failure with its first line', () => {
    const err = xeError('something odd happened\n', 2);
    expect(err.code).toBe(XeCliErrorCode.Unrecognised);
    expect(err.message).toContain('something odd happened (exit 2)');
  });
});

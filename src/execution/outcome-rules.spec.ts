import { classifyError, outcomeOf } from 'src/execution/outcome-rules';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { ScenarioError, ScenarioErrorCode } from 'src/scenarios/scenario.errors';

describe(classifyError.name, () => {
  it('should call a dropped connection an infrastructure error worth retrying', () => {
    const end = classifyError(new RemoteError('lost', RemoteErrorCode.ConnectionLost, 'h1'), null);
    expect(end).toEqual({ kind: 'infra', code: 'REMOTE_CONNECTION_LOST', message: 'lost', retryable: true });
  });

  it('should call a failed check a product failure', () => {
    const end = classifyError(new ScenarioError('checksum differs', ScenarioErrorCode.DataMismatch), null);
    expect(end).toEqual({ kind: 'failed', code: 'SCENARIO_DATA_MISMATCH', message: 'checksum differs' });
  });

  it('should let the abort reason win over the error it caused', () => {
    const err = new RemoteError('aborted', RemoteErrorCode.Aborted, 'h1');
    expect(classifyError(err, 'cancelled').kind).toBe('cancelled');
    expect(classifyError(err, 'timeout')).toMatchObject({ kind: 'failed', code: 'CASE_TIMEOUT' });
    expect(classifyError(err, 'shutdown')).toMatchObject({ kind: 'infra', retryable: true });
  });
});

describe(outcomeOf.name, () => {
  const failsWith = { outcome: 'fail' as const, error: 'VM_INCOMPATIBLE_WITH_THIS_HOST' };

  it('should turn the expected failure into xfailed', () => {
    expect(outcomeOf({ kind: 'failed', code: 'VM_INCOMPATIBLE_WITH_THIS_HOST', message: 'x' }, failsWith).outcome).toBe(
      'xfailed',
    );
  });

  it('should turn an expected failure that passes into xpassed', () => {
    expect(outcomeOf({ kind: 'passed' }, failsWith)).toEqual({
      outcome: 'xpassed',
      reason: expect.stringMatching(/but passed/),
    });
  });

  it('should keep a failure with another code a failure', () => {
    const r = outcomeOf({ kind: 'failed', code: 'HOST_OFFLINE', message: 'down' }, failsWith);
    expect(r).toEqual({
      outcome: 'failed',
      reason: 'expected VM_INCOMPATIBLE_WITH_THIS_HOST, failed with HOST_OFFLINE: down',
    });
  });

  it('should never turn an infrastructure error into an expected failure', () => {
    expect(outcomeOf({ kind: 'infra', code: 'REMOTE_TIMEOUT', message: 't', retryable: true }, failsWith).outcome).toBe(
      'infra-error',
    );
  });
});

import { DomainError } from 'src/common/errors/domain-error';
import { RemoteError, RemoteErrorCode } from 'src/remote/remote.errors';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { Outcome } from 'src/results/outcome';
import { RunnableCase } from 'src/execution/run.types';

/** How one attempt ended, before the case's expectation is applied. */
export type AttemptEnd =
  | { kind: 'passed' }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'infra'; code: string; message: string; retryable: boolean }
  | { kind: 'cancelled'; message: string };

export type AbortReason = 'cancelled' | 'timeout' | 'lease-lost' | 'shutdown';

/**
 * Sorts a thrown error into product failure or infrastructure error. Talking to hosts failing is
 * infrastructure (retried); a command that ran and reported an error (an `xe` error code, a failed
 * check) is the product's answer (never retried).
 */
export function classifyError(err: unknown, aborted: AbortReason | null): AttemptEnd {
  if (aborted === 'cancelled') return { kind: 'cancelled', message: 'cancelled while running' };
  if (aborted === 'timeout') {
    return {
      kind: 'failed',
      code: ExecutionErrorCode.CaseTimeout,
      message: `the case did not finish in its time limit (${messageOf(err)})`,
    };
  }
  if (aborted === 'lease-lost') {
    return {
      kind: 'infra',
      code: ExecutionErrorCode.LeaseLost,
      message: 'the hosts lease was lost while running',
      retryable: true,
    };
  }
  if (aborted === 'shutdown') {
    return {
      kind: 'infra',
      code: ExecutionErrorCode.WorkerLost,
      message: 'the worker shut down and handed the case back',
      retryable: true,
    };
  }
  if (err instanceof RemoteError) {
    return {
      kind: 'infra',
      code: err.code,
      message: err.message,
      retryable: err.retryable || err.code === RemoteErrorCode.Timeout,
    };
  }
  if (err instanceof ExecutionError && err.code === ExecutionErrorCode.LeaseLost) {
    return { kind: 'infra', code: err.code, message: err.message, retryable: true };
  }
  if (err instanceof DomainError) return { kind: 'failed', code: err.code, message: err.message };
  return { kind: 'failed', code: 'SCENARIO_ERROR', message: messageOf(err) };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Applies the expectation: an expected failure that happens is xfailed; one that does not, xpassed. */
export function outcomeOf(
  end: AttemptEnd,
  expectation: RunnableCase['expectation'],
): { outcome: Outcome; reason: string | null } {
  const expectsFailure = expectation?.outcome === 'fail';
  switch (end.kind) {
    case 'passed':
      return expectsFailure
        ? {
            outcome: 'xpassed',
            reason: `expected to fail${expectation.error ? ` with ${expectation.error}` : ''}, but passed`,
          }
        : { outcome: 'passed', reason: null };
    case 'failed':
      if (!expectsFailure) return { outcome: 'failed', reason: `${end.code}: ${end.message}` };
      if (expectation.error && expectation.error !== end.code) {
        return { outcome: 'failed', reason: `expected ${expectation.error}, failed with ${end.code}: ${end.message}` };
      }
      return {
        outcome: 'xfailed',
        reason: `failed as expected with ${end.code}${expectation.reason ? ` (${expectation.reason})` : ''}`,
      };
    case 'infra':
      return { outcome: 'infra-error', reason: `${end.code}: ${end.message}` };
    case 'cancelled':
      return { outcome: 'cancelled', reason: end.message };
  }
}

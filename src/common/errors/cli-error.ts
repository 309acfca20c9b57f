import { DomainError } from 'src/common/errors/domain-error';

/** Exit codes of the `shakedown` command: 0 ok, 1 failure, 2 usage error. */
export enum ExitCode {
  Ok = 0,
  Failure = 1,
  Usage = 2,
}

/** An error a command raises to stop with a message and an exit code, and no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failure,
  ) {
    super(message);
  }
}

/** The one place where a thrown error becomes a line on stderr and an exit code. */
export function reportCliError(err: unknown): ExitCode {
  if (err instanceof CliError) {
    if (err.message) process.stderr.write(`shakedown: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof DomainError) {
    process.stderr.write(`shakedown: ${err.message} [${err.code}]\n`);
    return ExitCode.Failure;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`shakedown: unexpected error: ${message}\n`);
  if (process.env.SHAKEDOWN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return ExitCode.Failure;
}

/**
 * Base of every error the domain raises on purpose. The same services run in the API, the CLI and
 * the workers, so errors carry a stable code and details; each edge maps codes to its own form in
 * one place (HTTP status in the exception filter, exit code in the CLI).
 */
export abstract class DomainError<C extends string = string> extends Error {
  constructor(
    message: string,
    readonly code: C,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

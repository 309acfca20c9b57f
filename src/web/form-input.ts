import { z } from 'zod';
import { DomainError } from 'src/common/errors/domain-error';
import { httpStatusOf } from 'src/common/errors/error-status';

/** Why a form was refused, for the page that shows it again: the field path and the problem, and the status. */
export class FormRefusal {
  constructor(
    readonly message: string,
    readonly status: number,
  ) {}
}

/** A posted form's fields checked against a schema; the first problem names its field. */
export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> | FormRefusal {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return new FormRefusal(`${issue.path.join('.') || 'form'}: ${issue.message}`, 400);
}

/** A domain error met while acting on a form, as a refusal the form page shows; anything else is rethrown. */
export function refusalOf(err: unknown): FormRefusal {
  if (err instanceof DomainError) return new FormRefusal(err.message, httpStatusOf(err));
  throw err;
}

/** Only a path of this site (never `//host` or a scheme) is a place to go back to after a form. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : '/';
}

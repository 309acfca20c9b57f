import { z } from 'zod';
import { Role } from 'src/auth/role';
import { nameKey } from 'src/common/input/name-key';

/**
 * Names show on public pages next to results, so they are an allow-list, not a deny-list: letters
 * and digits of any script (with their combining marks), spaces, and `. , ' ’ ( ) < > @ & + _ -`.
 * That keeps out control, bidi-override and zero-width characters (Unicode Cc/Cf), which could
 * make a name read as another one. Rendered escaped everywhere all the same.
 */
const NAME_CHARACTERS = /^[\p{L}\p{M}\p{N} .,'’()<>@&+_-]+$/u;

/** Names that would pass for the service or its operator (compared without case, spaces or marks). */
const RESERVED_NAMES = new Set(['admin', 'administrator', 'root', 'system', 'shakedown', 'anonymous', 'operator']);

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine(
    (s) => NAME_CHARACTERS.test(s),
    "may hold letters, digits, spaces and . , ' ( ) < > @ & + _ - only (no control or bidi characters)",
  )
  .refine((s) => !RESERVED_NAMES.has(nameKey(s)), 'is reserved');

const email = z.string().trim().max(254).email('expected an email address').optional();

export const createTokenSchema = z.strictObject({
  name,
  role: z.enum([Role.Admin, Role.Tester, Role.Submitter]),
  email,
});

export const registrationSchema = z.strictObject({ name, email });

import { z } from 'zod';
import { Role } from 'src/auth/role';

// Names show on public pages next to results: printable text only, rendered escaped everywhere.
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((s) => ![...s].some(isControl), 'must not contain control characters');
function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

const email = z.string().trim().max(254).email('expected an email address').optional();

export const createTokenSchema = z.strictObject({
  name,
  role: z.enum([Role.Admin, Role.Tester, Role.Submitter]),
  email,
});

export const registrationSchema = z.strictObject({ name, email });

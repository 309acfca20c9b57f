import { z } from 'zod';

const release = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'expected a release such as 8.3.0');

/** The body of `POST /api/v1/submissions`. The hardware profile is checked on its own for clearer paths. */
export const submissionBodySchema = z.strictObject({
  kind: z.enum(['bundle', 'junit', 'fio']),
  release,
  content: z.string().min(1, 'must not be empty'),
  hardware: z.unknown(),
  campaign: z.string().min(1).max(200).optional(),
  /** Parameters the file cannot say itself (fio: `sr_kind`), to line results up with campaign cases. */
  params: z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()])).optional(),
});

export const moderationSchema = z.strictObject({
  status: z.enum(['accepted', 'rejected']),
  note: z.string().max(2000).optional(),
});

import { z } from 'zod';
import { ReportsError, ReportsErrorCode } from 'src/reports/reports.errors';

const schema = z.object({
  signature: z.string().trim().min(1).max(2000),
  // Only web links: the URL ends up in an href, where `javascript:` would run.
  url: z
    .string()
    .trim()
    .max(2000)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL'),
  note: z.string().trim().max(2000).optional().nullable(),
});

export type KnownIssueInput = { signature: string; url: string; note: string | null };

export function parseKnownIssueInput(body: unknown): KnownIssueInput {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportsError(
      `known issue: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      ReportsErrorCode.KnownIssueInvalid,
    );
  }
  return { signature: parsed.data.signature, url: parsed.data.url, note: parsed.data.note || null };
}

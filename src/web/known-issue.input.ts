import { z } from 'zod';
import { parseInput } from 'src/common/input/check-input';
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

type KnownIssueInput = { signature: string; url: string; note: string | null };

export function parseKnownIssueInput(body: unknown): KnownIssueInput {
  const input = parseInput(
    schema,
    body ?? {},
    (message, details) => new ReportsError(`known issue: ${message}`, ReportsErrorCode.KnownIssueInvalid, details),
  );
  return { signature: input.signature, url: input.url, note: input.note || null };
}

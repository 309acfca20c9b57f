import { z } from 'zod';
import { checkInput, describeProblems } from 'src/auth/parse-input';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { parseJsonText } from 'src/community/json-text';
import { OUTCOMES } from 'src/results/outcome';

// The run bundle that `shakedown export RUN --format bundle` writes. Defined here until the reports
// module publishes its own type (src/reports/bundle.ts); the two must stay the same format.
const key = z.string().min(1).max(2000);
const measurementSchema = z.strictObject({
  metric: z.string().min(1).max(200),
  unit: z.string().max(32),
  direction: z.enum(['higher', 'lower']),
  samples: z.array(z.number().finite('expected a finite number')).min(1, 'needs at least one sample').max(10_000),
});
const jsonValue: z.ZodType<unknown> = z.json();

export const bundleSchema = z.strictObject({
  format: z.literal('shakedown-bundle'),
  version: z.literal(1),
  run: z.strictObject({
    campaign: z.string().min(1).max(200),
    release: z.string().min(1).max(64),
    baseline: z.string().min(1).max(64).nullable().optional(),
    simulated: z.boolean(),
    lab_snapshot: z.record(z.string(), jsonValue).optional(),
  }),
  cases: z
    .array(
      z.strictObject({
        case_key: key,
        scenario: z.string().min(1).max(200),
        suite: z.string().min(1).max(200).optional(),
        params: z.record(z.string(), jsonValue),
        outcome: z.enum(OUTCOMES),
        error_code: z.string().max(200).nullable().optional(),
        message: z.string().max(100_000).nullable().optional(),
        duration_ms: z.number().int().min(0).nullable().optional(),
        measurements: z.array(measurementSchema).max(1000),
      }),
    )
    .max(100_000),
});

export type ShakedownBundle = z.output<typeof bundleSchema>;
export type BundleCase = ShakedownBundle['cases'][number];

/** Reads a bundle's text; errors give the JSON position or the path of the wrong field (`content.cases[2].outcome`). */
export function parseBundle(text: string, root = 'content'): ShakedownBundle {
  const doc = parseJsonText(text, root);
  const checked = checkInput(bundleSchema, doc, root);
  if (!checked.ok) {
    throw new CommunityError(`bundle: ${describeProblems(checked.problems)}`, CommunityErrorCode.SubmissionInvalid, {
      problems: checked.problems,
    });
  }
  const seen = new Set<string>();
  checked.value.cases.forEach((c, i) => {
    if (seen.has(c.case_key)) {
      throw new CommunityError(
        `bundle: ${root}.cases[${i}].case_key: ${c.case_key} appears twice`,
        CommunityErrorCode.SubmissionInvalid,
      );
    }
    seen.add(c.case_key);
  });
  return checked.value;
}

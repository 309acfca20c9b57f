import { checkInput, describeProblems } from 'src/common/input/check-input';
import { CommunityError, CommunityErrorCode } from 'src/community/community.errors';
import { parseJsonText } from 'src/community/json-text';
import { BUNDLE_FORMAT, BUNDLE_VERSION, resultBundleSchema } from 'src/reports/bundle';
import type { ResultBundle } from 'src/reports/bundle';

export type { BundleCase, ResultBundle } from 'src/reports/bundle';

/**
 * Reads a Shakedown result bundle (the format of src/reports/bundle.ts, which `shakedown export RUN
 * --format bundle` writes). Errors give the JSON position, or every wrong field by its path from
 * `root` (`content.cases[2].outcome: …`), and a bundle with a case key twice is refused.
 */
export function parseBundleText(text: string, root = 'content'): ResultBundle {
  const doc = parseJsonText(text, root);
  const version = (doc as { version?: unknown } | null)?.version;
  const format = (doc as { format?: unknown } | null)?.format;
  if (format === BUNDLE_FORMAT && typeof version === 'number' && version !== BUNDLE_VERSION) {
    throw new CommunityError(
      `${root}.version: bundle version ${version} is not supported (this Shakedown reads version ${BUNDLE_VERSION})`,
      CommunityErrorCode.SubmissionInvalid,
    );
  }
  const checked = checkInput(resultBundleSchema, doc, root);
  if (!checked.ok) {
    throw new CommunityError(`bundle: ${describeProblems(checked.problems)}`, CommunityErrorCode.SubmissionInvalid, {
      problems: checked.problems,
    });
  }
  const seen = new Set<string>();
  checked.value.cases.forEach((c, i) => {
    if (seen.has(c.caseKey)) {
      throw new CommunityError(
        `bundle: ${root}.cases[${i}].caseKey: ${c.caseKey} appears twice`,
        CommunityErrorCode.SubmissionInvalid,
      );
    }
    seen.add(c.caseKey);
  });
  return checked.value;
}

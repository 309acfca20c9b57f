import { DomainError } from 'src/common/errors/domain-error';
import type { YamlProblem } from 'src/common/input/yaml-reader';

export enum CampaignErrorCode {
  Invalid = 'CAMPAIGN_INVALID',
  Unreadable = 'CAMPAIGN_UNREADABLE',
  UnknownSuite = 'CAMPAIGN_UNKNOWN_SUITE',
}

/** A problem of a campaign file at its line and column, as every user YAML file reports them. */
export type Diagnostic = YamlProblem;

// The type only: error files are read by common/errors/error-status, which must not load a YAML parser.
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

/** A campaign file that cannot be used; carries every problem found, not only the first. */
export class CampaignError extends DomainError<CampaignErrorCode> {
  constructor(
    readonly diagnostics: Diagnostic[],
    code: CampaignErrorCode = CampaignErrorCode.Invalid,
  ) {
    super(
      diagnostics.length === 1
        ? formatDiagnostic(diagnostics[0] as Diagnostic)
        : `${diagnostics.length} problems:\n${diagnostics.map(formatDiagnostic).join('\n')}`,
      code,
      { diagnostics },
    );
  }
}

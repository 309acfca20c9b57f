import { DomainError } from 'src/common/errors/domain-error';

export enum CampaignErrorCode {
  Invalid = 'CAMPAIGN_INVALID',
  Unreadable = 'CAMPAIGN_UNREADABLE',
  UnknownSuite = 'CAMPAIGN_UNKNOWN_SUITE',
}

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  message: string;
}

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

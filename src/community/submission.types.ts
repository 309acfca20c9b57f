import type { HardwareProfile } from 'src/lab/hardware-profile';
import type { SubmissionKind } from 'src/community/submission-mapping';

export type SubmissionStatus = 'pending' | 'accepted' | 'rejected';

export interface SubmissionRecord {
  id: string;
  tokenId: string | null;
  submitter: string;
  kind: SubmissionKind;
  release: string;
  sha256: string;
  sizeBytes: number;
  status: SubmissionStatus;
  hardware: HardwareProfile;
  hardwareClass: string;
  runId: string | null;
  summary: Record<string, unknown>;
  moderationNote: string | null;
  createdAt: string;
  moderatedAt: string | null;
}

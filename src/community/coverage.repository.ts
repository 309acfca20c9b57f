import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CoverageObservation } from 'src/community/coverage';
import { isOutcome } from 'src/results/outcome';
import { visibleRunCondition } from 'src/results/run-visibility';

export const CORE_LAB = 'core lab';

interface ObservationRow {
  case_key: string;
  outcome: string;
  origin: 'lab' | 'submission';
  simulated: boolean;
  lab_classes: string[] | null;
  snapshot_classes: string[] | null;
  hardware_class: string | null;
  submitter: string | null;
}

/** Results of a release as coverage reads them: lab runs and accepted submissions only. */
@Injectable()
export class CoverageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async observations(release: string): Promise<CoverageObservation[]> {
    // A lab run counts for every hardware class of its lab: the classes its snapshot recorded, else
    // those the lab's hosts have now; a lab with no collected hardware shows as one unclassified class.
    const rows: ObservationRow[] = await this.db.query(
      `SELECT c.case_key, c.outcome, r.origin, r.simulated, s.hardware_class, s.submitter,
              (SELECT array_agg(DISTINCT h.hardware_class) FROM hosts h WHERE h.lab_id = r.lab_id AND h.hardware_class IS NOT NULL) AS lab_classes,
              (SELECT array_agg(DISTINCT COALESCE(e->>'hardwareClass', e->>'hardware_class'))
                 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.lab_snapshot->'hosts') = 'array' THEN r.lab_snapshot->'hosts' ELSE '[]'::jsonb END) e
                WHERE COALESCE(e->>'hardwareClass', e->>'hardware_class') IS NOT NULL) AS snapshot_classes
         FROM cases c
         JOIN runs r ON r.id = c.run_id
         LEFT JOIN submissions s ON s.run_id = r.id
        WHERE r.release = $1 AND c.outcome IS NOT NULL
          AND ${visibleRunCondition('r', 'accepted')}`,
      [release],
    );
    const out: CoverageObservation[] = [];
    for (const r of rows) {
      if (!isOutcome(r.outcome)) continue;
      if (r.origin === 'submission') {
        if (r.hardware_class && r.submitter) {
          out.push({ caseKey: r.case_key, outcome: r.outcome, hardwareClass: r.hardware_class, by: r.submitter });
        }
        continue;
      }
      const classes = r.snapshot_classes?.length
        ? r.snapshot_classes
        : r.lab_classes?.length
          ? r.lab_classes
          : [r.simulated ? 'simulated' : 'core lab (unclassified)'];
      for (const hardwareClass of classes) {
        out.push({ caseKey: r.case_key, outcome: r.outcome, hardwareClass, by: CORE_LAB });
      }
    }
    return out;
  }
}

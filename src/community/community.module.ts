import { Module } from '@nestjs/common';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { SubmissionRepository } from 'src/community/submission.repository';
import { SubmissionService } from 'src/community/submission.service';
import { SubmissionsController } from 'src/community/submissions.controller';

/** Community results: submissions, moderation, coverage and hardware pages. */
@Module({
  controllers: [SubmissionsController],
  providers: [
    SubmissionRepository,
    SubmissionService,
    { provide: CampaignCatalog, useFactory: () => new CampaignCatalog() },
  ],
  exports: [SubmissionService, CampaignCatalog],
})
export class CommunityModule {}

import { Module } from '@nestjs/common';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { CommunityPagesController } from 'src/community/community-pages.controller';
import { communityPageProviders } from 'src/community/community-pages.providers';
import { CommunityReadController } from 'src/community/community-read.controller';
import { CommunityReadService } from 'src/community/community-read.service';
import { CoverageRepository } from 'src/community/coverage.repository';
import { HardwareRepository } from 'src/community/hardware.repository';
import { SubmissionRepository } from 'src/community/submission.repository';
import { SubmissionService } from 'src/community/submission.service';
import { SubmissionsController } from 'src/community/submissions.controller';

/** Community results: submissions, moderation, coverage and hardware pages. */
@Module({
  controllers: [SubmissionsController, CommunityReadController, CommunityPagesController],
  providers: [
    SubmissionRepository,
    SubmissionService,
    CoverageRepository,
    HardwareRepository,
    CommunityReadService,
    { provide: CampaignCatalog, useFactory: () => new CampaignCatalog() },
    ...communityPageProviders,
  ],
  exports: [SubmissionService, CampaignCatalog, CommunityReadService],
})
export class CommunityModule {}

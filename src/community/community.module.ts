import { Module } from '@nestjs/common';
import { CommunityPagesController } from 'src/community/community-pages.controller';
import { communityPageProviders } from 'src/community/community-pages.providers';
import { CommunityReadController } from 'src/community/community-read.controller';
import { CommunityReadService } from 'src/community/community-read.service';
import { CoverageRepository } from 'src/community/coverage.repository';
import { HardwareRepository } from 'src/community/hardware.repository';
import { ModerationPagesController } from 'src/community/moderation-pages.controller';
import { ReleasePagesController } from 'src/community/release-pages.controller';
import { ReleaseVerdictsModule } from 'src/community/release-verdicts.module';
import { SubmissionRepository } from 'src/community/submission.repository';
import { SubmissionService } from 'src/community/submission.service';
import { SubmissionsController } from 'src/community/submissions.controller';

/** Community results: submissions, moderation, coverage and hardware pages. */
@Module({
  imports: [ReleaseVerdictsModule],
  controllers: [
    SubmissionsController,
    CommunityReadController,
    CommunityPagesController,
    ReleasePagesController,
    ModerationPagesController,
  ],
  providers: [
    SubmissionRepository,
    SubmissionService,
    CoverageRepository,
    HardwareRepository,
    CommunityReadService,
    ...communityPageProviders,
  ],
  exports: [SubmissionService, CommunityReadService],
})
export class CommunityModule {}

import { Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CampaignCatalog } from 'src/community/campaign-catalog';
import { ReleaseReadRepository } from 'src/community/release-read.repository';
import { ReleaseReadinessService } from 'src/community/release-readiness.service';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { RELEASE_VERDICTS } from 'src/web/release-verdicts';

/**
 * Release readiness and the campaign catalog it reads the plan from. Global so that the home page
 * (web) can show verdicts through RELEASE_VERDICTS without importing this domain.
 */
@Global()
@Module({
  providers: [
    { provide: CampaignCatalog, useFactory: () => new CampaignCatalog() },
    {
      provide: ReleaseReadinessService,
      inject: [getDataSourceToken(), CampaignCatalog],
      useFactory: (ds: DataSource, catalog: CampaignCatalog) =>
        new ReleaseReadinessService(new ReleaseReadRepository(ds), new ResultsReadRepository(ds), catalog),
    },
    { provide: RELEASE_VERDICTS, useExisting: ReleaseReadinessService },
  ],
  exports: [CampaignCatalog, ReleaseReadinessService, RELEASE_VERDICTS],
})
export class ReleaseVerdictsModule {}

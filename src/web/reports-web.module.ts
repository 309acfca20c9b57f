import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ComparisonService } from 'src/comparison/comparison.service';
import { RunRepository } from 'src/execution/run.repository';
import { WorkerLiveness } from 'src/execution/worker-liveness';
import { WorkerRepository } from 'src/execution/worker.repository';
import { AppConfig } from 'src/config/config';
import { ResultsReadRepository } from 'src/reports/read/results-read.repository';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { ReportViewsService } from 'src/reports/report-views.service';
import { RunExportService } from 'src/reports/run-export.service';
import { ArtifactStore } from 'src/results/artifact-store';
import { PagesController } from 'src/web/pages.controller';
import { PageErrorFilter } from 'src/web/page-error.filter';
import { ResultsApiController } from 'src/web/results-api.controller';
import { RunEventsService } from 'src/web/run-events.service';

/** Result pages, their JSON API, live run events and artifact downloads. */
@Module({
  controllers: [PagesController, ResultsApiController],
  providers: [
    {
      provide: ResultsReadRepository,
      inject: [getDataSourceToken()],
      useFactory: (ds: DataSource) => new ResultsReadRepository(ds),
    },
    {
      provide: ArtifactStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new ArtifactStore(join(config.dataDir, 'artifacts')),
    },
    {
      provide: ReportViewsService,
      inject: [ResultsReadRepository, ArtifactStore],
      useFactory: (read: ResultsReadRepository, store: ArtifactStore) => new ReportViewsService(read, store),
    },
    {
      provide: ComparisonService,
      inject: [ResultsReadRepository],
      useFactory: (read: ResultsReadRepository) => new ComparisonService(read),
    },
    {
      provide: RunExportService,
      inject: [ResultsReadRepository, AppConfig],
      // Case links in exports are absolute, as the CLI's are: a JUnit file is read far from the server.
      useFactory: (read: ResultsReadRepository, config: AppConfig) => new RunExportService(read, config.publicUrl),
    },
    {
      provide: WorkerLiveness,
      inject: [getDataSourceToken()],
      useFactory: (ds: DataSource) => new WorkerLiveness(new RunRepository(ds), new WorkerRepository(ds)),
    },
    { provide: ViewRenderer, useFactory: () => new ViewRenderer() },
    PageErrorFilter,
    RunEventsService,
  ],
  exports: [ReportViewsService, ComparisonService, ViewRenderer, PageErrorFilter],
})
export class ReportsWebModule {}

import { DynamicModule, Type } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { CommunityModule } from 'src/community/community.module';
import { RunsApiModule } from 'src/execution/runs-api.module';
import { MetricsModule } from 'src/metrics/metrics.module';
import { ReportsWebModule } from 'src/web/reports-web.module';
import { WebWorkflowsModule } from 'src/web/web-workflows.module';

/**
 * The domain modules the API process serves, besides health. Each domain adds its module here.
 */
export const apiFeatures: Array<Type | DynamicModule> = [
  AuthModule,
  CommunityModule,
  ReportsWebModule,
  RunsApiModule,
  MetricsModule,
  WebWorkflowsModule,
];

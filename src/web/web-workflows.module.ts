import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { ExecutionModule } from 'src/execution/execution.module';
import { AdminPagesController } from 'src/web/admin-pages.controller';
import { ReportsWebModule } from 'src/web/reports-web.module';
import { SessionPagesController } from 'src/web/session-pages.controller';
import { WorkflowPagesController } from 'src/web/workflow-pages.controller';

/** What people do from the pages: sign in and out, start runs, keep schedules, approve tokens. */
@Module({
  imports: [AuthModule, ExecutionModule, ReportsWebModule],
  controllers: [SessionPagesController, WorkflowPagesController, AdminPagesController],
})
export class WebWorkflowsModule {}

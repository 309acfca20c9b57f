import { Module } from '@nestjs/common';
import { ExecutionModule } from 'src/execution/execution.module';
import { RunsController } from 'src/execution/runs.controller';

/** Starting and cancelling runs over HTTP. The API process queues; workers execute. */
@Module({ imports: [ExecutionModule], controllers: [RunsController] })
export class RunsApiModule {}

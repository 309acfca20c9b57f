import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from 'src/config/config';
import { DATABASE_URL } from 'src/database/database.tokens';
import { createRootLogger } from 'src/common/logging/logger';
import { Engine } from 'src/execution/engine';
import { RunsController } from 'src/execution/runs.controller';
import { defaultScenarios } from 'src/scenarios/default-scenarios';
import { ScenarioRegistry } from 'src/scenarios/scenario-registry';

/** Starting and cancelling runs from the API. The API process queues; worker processes execute. */
@Module({
  controllers: [RunsController],
  providers: [
    {
      provide: Engine,
      inject: [DATABASE_URL, AppConfig],
      useFactory: (url: string, config: AppConfig): Promise<Engine> =>
        Engine.open({
          databaseUrl: url,
          dataDir: config.dataDir,
          registry: new ScenarioRegistry(defaultScenarios(config.get('SHAKEDOWN_EXTERNAL_SUITES'))),
          logger: createRootLogger(config.get('LOG_LEVEL')),
        }),
    },
  ],
  exports: [Engine],
})
export class ExecutionModule implements OnApplicationShutdown {
  constructor(@Inject(Engine) private readonly engine: Engine) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
  }
}

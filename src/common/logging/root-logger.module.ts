import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';

/** Injection token of the process's one root logger (pino); parts take children of it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** The root logger bootstrap made, offered to every module of the process. */
@Global()
@Module({})
export class RootLoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: RootLoggerModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
    };
  }
}

import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from 'src/auth/auth.guard';
import { SessionMiddleware } from 'src/auth/session.middleware';
import { SessionRepository } from 'src/auth/session.repository';
import { SessionService } from 'src/auth/session.service';
import { TokenRepository } from 'src/auth/token.repository';
import { TokenService } from 'src/auth/token.service';
import { TokensController } from 'src/auth/tokens.controller';

/** Access control for every route of the process (a global guard), page sessions and the token API. */
@Module({
  controllers: [TokensController],
  providers: [
    TokenRepository,
    TokenService,
    SessionRepository,
    SessionService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService, SessionService],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware).forRoutes('*');
  }
}

import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from 'src/auth/auth.guard';
import { TokenRepository } from 'src/auth/token.repository';
import { TokenService } from 'src/auth/token.service';
import { TokensController } from 'src/auth/tokens.controller';

/** Access control for every route of the process (a global guard) and the token API. */
@Module({
  controllers: [TokensController],
  providers: [TokenRepository, TokenService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService],
})
export class AuthModule {}

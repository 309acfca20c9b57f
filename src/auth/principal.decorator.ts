import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ANONYMOUS, Principal } from 'src/auth/principal';

/** Where the guard leaves the caller on the request. */
export const PRINCIPAL_PROPERTY = 'shakedownPrincipal';

export function principalOf(request: object): Principal {
  return (request as { [PRINCIPAL_PROPERTY]?: Principal })[PRINCIPAL_PROPERTY] ?? ANONYMOUS;
}

/** The caller of this request, as the auth guard established it: `handler(@CurrentPrincipal() who: Principal)`. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal =>
  principalOf(ctx.switchToHttp().getRequest<object>()),
);

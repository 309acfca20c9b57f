import { SetMetadata } from '@nestjs/common';
import { Role } from 'src/auth/role';

export const ROLES_KEY = 'shakedown:roles';
export const PUBLIC_KEY = 'shakedown:public';

/**
 * The roles a route admits (nesting applies: `Roles(Role.Tester)` admits admins too). On a class it
 * covers every handler that does not say otherwise. A write route without `Roles` or `Public` is
 * admin-only: forgetting the decorator closes the route instead of opening it.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Open to anyone, even anonymous visitors when public read is turned off (self-registration, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { principalRole } from 'src/auth/principal';
import { principalOf } from 'src/auth/principal.decorator';
import { Role, roleIncludes } from 'src/auth/role';
import { asReader } from 'src/results/run-visibility';
import type { SubmissionVisibility } from 'src/results/run-visibility';

/**
 * Public views count only accepted community results; admins (who moderate) also see pending and
 * rejected submissions' runs, marked. Runs after the auth guard, which has put the caller on the
 * request. Nest binds `handle()` to the async context it is called in, so the handler and all it
 * awaits read as this reader.
 */
@Injectable()
export class ReaderVisibilityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const role = principalRole(principalOf(context.switchToHttp().getRequest<object>()));
    const visibility: SubmissionVisibility = role !== undefined && roleIncludes(role, Role.Admin) ? 'all' : 'accepted';
    return asReader(visibility, () => next.handle());
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { withoutServerPathsDeep } from 'src/common/errors/server-paths';

/**
 * Every JSON answer leaves without this server's absolute paths (a case's reason quoting an fs
 * error, a campaign's diagnostics): error answers get the same from DomainErrorFilter, pages and
 * the static report from the view renderer, exports from RunExportService.
 */
@Injectable()
export class ServerPathsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(map((value: unknown) => withoutServerPathsDeep(value)));
  }
}

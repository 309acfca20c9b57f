import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from 'src/common/errors/domain-error';
import { httpStatusOf } from 'src/common/errors/error-status';
import { withoutServerPaths } from 'src/common/errors/server-paths';
import { ViewRenderer } from 'src/reports/render/view-renderer';

const HEADINGS: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in needed',
  403: 'Not allowed',
  404: 'Not found',
};

/** HTML pages answer errors with a page (the API keeps the JSON shape of DomainErrorFilter). */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(PageErrorFilter.name);

  constructor(private readonly views: ViewRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let message = 'Something went wrong on the server; its log has the details.';
    if (exception instanceof DomainError) {
      status = httpStatusOf(exception);
      message = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = exception.message;
    } else {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (res.headersSent) return;
    const html = this.views.render(
      'error',
      { status, heading: HEADINGS[status] ?? 'Error', message: withoutServerPaths(message) },
      { title: `${status} ${HEADINGS[status] ?? 'Error'}` },
    );
    res.status(status).type('html').send(html);
  }
}

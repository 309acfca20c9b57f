import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from 'src/common/errors/domain-error';
import { httpStatusOf } from 'src/common/errors/error-status';
import { withoutServerPathsDeep } from 'src/common/errors/server-paths';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
  requestId?: string;
}

/** Turns every error that reaches HTTP into one JSON shape; unknown errors never leak their text. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    // A message may quote a file of this server (a campaign's diagnostics, an fs error): never its absolute path.
    const body = withoutServerPathsDeep(this.toBody(exception));
    body.requestId = req.id;
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: httpStatusOf(exception),
        error: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : ((response as { message?: string | string[] }).message ?? exception.message);
      return {
        statusCode: exception.getStatus(),
        error: exception.name
          .replace(/Exception$/, '')
          .replace(/([a-z])([A-Z])/g, '$1_$2')
          .toUpperCase(),
        message: Array.isArray(message) ? message.join('; ') : message,
      };
    }
    return { statusCode: 500, error: 'INTERNAL', message: 'internal error (see the server log for the request id)' };
  }
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { httpStatusOf } from 'src/common/errors/error-status';
import { hostileValueProblem } from 'src/common/input/hostile-text';
import { RequestError, RequestErrorCode } from 'src/common/input/request.errors';
import type { AppConfig } from 'src/config/config';
import { MANUAL_EVIDENCE_MAX_BASE64 } from 'src/execution/runs.controller';

const KIB = 1024;
const MIB = 1024 * KIB;

/** JSON bodies of most routes are small forms; these few carry files or documents. */
const DEFAULT_JSON_LIMIT = 256 * KIB;

interface RouteLimit {
  method: string;
  path: RegExp;
  limit: number;
}

function routeLimits(config: AppConfig): RouteLimit[] {
  return [
    { method: 'POST', path: /^\/api\/v1\/submissions\/?$/, limit: config.get('SHAKEDOWN_SUBMISSION_MAX_BYTES') },
    {
      method: 'POST',
      path: /^\/api\/v1\/runs\/[^/]+\/cases\/[^/]+\/manual\/?$/,
      limit: MANUAL_EVIDENCE_MAX_BASE64 + MIB,
    },
    // campaignText is at most 1 MiB of characters; JSON escapes may make it a few times longer.
    { method: 'POST', path: /^\/api\/v1\/runs\/?$/, limit: 4 * MIB },
  ];
}

/**
 * Headers of every response, error pages and /api/docs included; HTML pages replace the CSP with
 * their own stricter one (src/web/html.ts). The docs page needs Swagger UI's scripts, so only its
 * framing and plugins are restricted.
 */
function setSecurityHeaders(req: Request, res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader(
    'Content-Security-Policy',
    req.path.startsWith('/api/') && !req.path.startsWith('/api/docs')
      ? "default-src 'none'; frame-ancestors 'none'"
      : "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
}

function refuse(req: Request & { id?: unknown }, res: Response, error: RequestError): void {
  const status = httpStatusOf(error);
  if (error.code === RequestErrorCode.TooLarge) res.setHeader('Connection', 'close');
  res.status(status).json({ statusCode: status, error: error.code, message: error.message, requestId: req.id });
}

/** body-parser's own errors (http-errors with a `type`) become our codes: never a 500. */
type ParserError = { type?: unknown; message?: unknown };

function fromParserError(err: ParserError, limit: number): RequestError {
  const type = typeof err.type === 'string' ? err.type : '';
  const message = typeof err.message === 'string' ? err.message : 'unreadable';
  switch (type) {
    case 'entity.too.large':
    case 'parameters.too.many':
      return new RequestError(
        `the body is larger than the ${limit} bytes this route accepts`,
        RequestErrorCode.TooLarge,
        {
          limitBytes: limit,
        },
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RequestError(message, RequestErrorCode.UnsupportedEncoding);
    default:
      return new RequestError(`body: ${message}`, RequestErrorCode.Malformed);
  }
}

/**
 * What every request passes before a route sees it: no Content-Encoding (a gzip bomb or brotli is
 * refused with 415, not inflated), no NUL in the URL, a JSON body within the route's limit (413),
 * and no NUL, lone surrogate or absurd nesting anywhere in the decoded body or query (400). Nest's
 * own body parser is off (see createHttpApp): these parsers replace it.
 */
export function installRequestGuards(app: NestExpressApplication, config: AppConfig): void {
  const limits = routeLimits(config);
  const parsers = new Map<number, [RequestHandler, RequestHandler]>();
  const parsersFor = (limit: number): [RequestHandler, RequestHandler] => {
    let found = parsers.get(limit);
    if (!found) {
      found = [
        json({ limit, type: 'application/json' }),
        urlencoded({ limit: Math.min(limit, DEFAULT_JSON_LIMIT), extended: true }),
      ];
      parsers.set(limit, found);
    }
    return found;
  };
  app.use((req: Request, res: Response, next: NextFunction) => {
    setSecurityHeaders(req, res);
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return refuse(
        req,
        res,
        new RequestError(
          `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted; send the body uncompressed`,
          RequestErrorCode.UnsupportedEncoding,
        ),
      );
    }
    if (/%00|\0/.test(req.url)) {
      return refuse(req, res, new RequestError('the URL holds a NUL character', RequestErrorCode.HostileText));
    }
    const limit = limits.find((l) => l.method === req.method && l.path.test(req.path))?.limit ?? DEFAULT_JSON_LIMIT;
    const [parseJson, parseForm] = parsersFor(limit);
    const check = (err?: unknown): void => {
      if (err) return refuse(req, res, fromParserError(err, limit));
      const problem = hostileValueProblem(req.body, 'body') ?? hostileValueProblem(req.query, 'query');
      if (problem) return refuse(req, res, new RequestError(problem, RequestErrorCode.HostileText));
      next();
    };
    parseJson(req, res, (err?: unknown) => (err ? check(err) : parseForm(req, res, check)));
  });
}

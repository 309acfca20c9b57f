import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { pinoHttp } from 'pino-http';
import { AppModule, AppModuleOptions } from 'src/app/app.module';
import { HealthModule } from 'src/health/health.module';
import { PinoNestLogger } from 'src/common/logging/logger';
import { installRequestGuards } from 'src/app/request-guards';

interface HttpAppOptions extends AppModuleOptions {
  /** Called once the app exists and before it listens: views, static assets, extra middleware. */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
  /**
   * Whether Nest closes the app on SIGTERM/SIGINT/SIGHUP (`serve`). Off where the process has more
   * than the app to stop, in order (the demo's worker and lab): its own handler closes everything.
   */
  shutdownHooks?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The HTTP application exactly as `shakedown serve` runs it; tests build it through here too. */
export async function createHttpApp(options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ ...options, features: [HealthModule, ...(options.features ?? [])] }),
    {
      logger: new PinoNestLogger(options.logger),
      bufferLogs: false,
      // A module that fails to start throws to our caller, which prints one clear line and exits 1,
      // instead of Nest logging to stdout and exiting on its own.
      abortOnError: false,
      // Bodies are parsed by installRequestGuards, with a limit per route and hostile text refused.
      bodyParser: false,
    },
  );
  app.disable('x-powered-by');
  // Off unless the operator names the proxy: otherwise anyone could pick the address rate limits see.
  const trustProxy = options.config.get('SHAKEDOWN_TRUST_PROXY');
  app.set('trust proxy', trustProxy === 'false' ? false : trustProxy);
  app.use(
    pinoHttp({
      logger: options.logger,
      // A caller's request id is kept (when sane) so logs line up across services.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  installRequestGuards(app, options.config);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Shakedown API')
      .setDescription('Release test campaigns for XCP-ng: runs, cases, results, comparisons, submissions.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  await options.configure?.(app);
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}

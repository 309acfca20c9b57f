import type { NestExpressApplication } from '@nestjs/platform-express';
import { chartJsFile, publicDir } from 'src/reports/render/project-paths';

/**
 * Static assets of the pages: public/ under /static, and Chart.js's UMD build from node_modules
 * at /static/chart.umd.js (no CDN: the pages must work on a machine without internet access).
 */
export function configureWeb(app: NestExpressApplication): void {
  const chartJs = chartJsFile();
  app.use('/static/chart.umd.js', (_req: unknown, res: { sendFile(path: string, opts: object): void }) =>
    res.sendFile(chartJs, { maxAge: '1h', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }),
  );
  app.useStaticAssets(publicDir(), { prefix: '/static/', maxAge: '1h', index: false, fallthrough: true });
}

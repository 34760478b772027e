import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import type { AppModule } from '../../platform/module';
import { dashboardRouter } from '../dashboard/dashboard.routes';

/** Where `npm run build` puts the console's static build (console/dist at the repository root). */
export const CONSOLE_DIST = resolve(__dirname, '..', '..', '..', '..', 'console', 'dist');

/**
 * The operator console at /console: a static single-page app that talks only to the public admin
 * API (plus GET /admin/v1/dashboard, which it adds for the first page). Unknown paths under
 * /console answer index.html so that deep links work; without a build, a 503 says how to make one.
 */
export const consoleModule: AppModule = {
  name: 'console',
  routers: (c) => [dashboardRouter(c)],
  mountRaw(app) {
    const index = join(CONSOLE_DIST, 'index.html');
    app.use('/console', express.static(CONSOLE_DIST, { index: false, maxAge: '1h', setHeaders: (res, path) => noCacheHtml(res, path) }));
    app.get(/^\/console(\/.*)?$/, (_req, res) => {
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('the console is not built: run `npm run build`');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  },
};

function noCacheHtml(res: express.Response, path: string): void {
  if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}

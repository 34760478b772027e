import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppModule } from '../../platform/module';
import { CONSOLE_DIST } from '../console/console.module';

/**
 * The sub-merchant portal at /portal: the console's web app (one build), whose /portal routes talk to
 * the tenant-scoped /portal/v1 API with the session cookie. Every page path under /portal answers
 * index.html (deep links, the invitation link); /portal/v1 is the API and never the page.
 */
export const portalPagesModule: AppModule = {
  name: 'portal-pages',
  mountRaw(app) {
    const index = join(CONSOLE_DIST, 'index.html');
    app.get(/^\/portal(?!\/v1(?:\/|$))(?:\/.*)?$/, (_req, res) => {
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('the portal is not built: run `npm run build`');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  },
};

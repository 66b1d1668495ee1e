import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Where `npm run build` leaves the dashboard (vite, apps/dashboard/vite.config.mts): dist/apps/dashboard,
 * beside this app's dist/apps/query-api/src/…, so any copy of dist/ (the bench's) serves its own build.
 */
export const DASHBOARD_DIR = resolve(__dirname, '../../../dashboard');

/**
 * Serves the built single-page dashboard at `/` (index.html and its hashed assets). The file
 * routes are fixed at start (no wildcard), so API routes and 404s stay the API's own. Hashed assets
 * are immutable; index.html is revalidated, so a rebuild shows at the next load. Without a build,
 * `/` says how to make one.
 */
export async function serveDashboard(app: NestFastifyApplication, root = DASHBOARD_DIR): Promise<boolean> {
  const fastify = app.getHttpAdapter().getInstance();
  if (!existsSync(join(root, 'index.html'))) {
    fastify.get('/', (_request, reply) => {
      void reply.code(503).type('text/plain').send('The dashboard is not built: run `npm run build` (vite build of apps/dashboard).\n');
    });
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders: (res, path) => {
      void res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return true;
}

import { readFileSync } from 'node:fs';
import Router from '@koa/router';

const pageDir = new URL('./dashboard/', import.meta.url);

interface Asset {
  file: string;
  type: string;
}

const assets: Record<string, Asset> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * The operators' page: static HTML, CSS and JS (no build step), read once at start. The script only
 * talks to this API's own routes, so the policy allows nothing from elsewhere.
 */
export const dashboardPageRoutes = (): Router => {
  const router = new Router();
  for (const [path, { file, type }] of Object.entries(assets)) {
    const content = readFileSync(new URL(file, pageDir));
    router.get(path, (ctx) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
      ctx.body = content;
    });
  }
  return router;
};

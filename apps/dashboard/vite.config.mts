// The dashboard's build: one hashed JS and CSS bundle in dist/apps/dashboard, which the query API
// serves at `/` (apps/query-api/src/dashboard/serve-dashboard.ts). Everything is bundled: the page
// makes no request outside the API's origin (no CDN, no web fonts).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname);

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  resolve: { alias: { '@pa/contracts': resolve(root, '../../libs/contracts/src/query-api.types.ts') } },
  build: {
    outDir: process.env.DASHBOARD_OUT_DIR ?? resolve(root, '../../dist/apps/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
});

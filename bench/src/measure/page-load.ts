import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Browser, chromium } from 'playwright-core';
import { benchKeyToken } from '../support/bench-key';

const CHROMIUM = ['/usr/bin/chromium-headless-shell', '/usr/lib/chromium/headless_shell', '/usr/bin/chromium'];

/** Debian's headless Chromium (infra/install-browser.sh), driven by playwright-core (no browser download). */
export function launchChromium(): Promise<Browser> {
  const executablePath = [process.env.CHROMIUM_PATH, ...CHROMIUM].find((p): p is string => !!p && existsSync(p));
  if (!executablePath) throw new Error('no headless Chromium: run `bash infra/install-browser.sh` as root (or set CHROMIUM_PATH)');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', trustLocalServerKey()] });
}

/** Chromium ignores NODE_EXTRA_CA_CERTS: it is told to accept the stack's own server key (SPKI SHA-256) and no other. */
function trustLocalServerKey(): string {
  const cert = join(process.env.PA_STATE_DIR ?? 'var', 'tls', 'server.crt');
  const spki = createPublicKey(readFileSync(cert)).export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

export interface PageLoad {
  /** ms from navigation start to the view's Performance API mark (its first chart drawn) */
  markMs: number;
  /** the page's own navigation timing: HTML, scripts parsed (domContentLoaded) */
  domContentLoadedMs: number;
  /** API requests the page made before the mark */
  apiRequests: number;
}

/**
 * Opens `url` in a fresh browser context (nothing cached: a first visit) with a laptop-sized
 * viewport and waits for the Performance API mark `mark`, which the dashboard sets once a view's
 * first chart has drawn. Throws when it does not come within `timeoutMs`.
 */
export async function loadUntilMark(browser: Browser, url: string, mark: string, timeoutMs = 60_000): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await context.newPage();
    // The read key the dashboard's key form would leave in the tab (sessionStorage).
    await page.addInitScript((key) => sessionStorage.setItem('pa.readKey', key), benchKeyToken());
    let apiRequests = 0;
    page.on('request', (r) => {
      if (r.url().includes('/v1/')) apiRequests++;
    });
    await page.goto(url);
    await page.waitForFunction((m) => performance.getEntriesByName(m, 'mark').length > 0, mark, { timeout: timeoutMs });
    const [markMs, domContentLoadedMs] = await page.evaluate((m) => {
      const nav = performance.getEntriesByType('navigation' as never)[0] as unknown as { domContentLoadedEventEnd?: number } | undefined;
      return [performance.getEntriesByName(m, 'mark')[0].startTime, nav?.domContentLoadedEventEnd ?? NaN];
    }, mark);
    return { markMs, domContentLoadedMs, apiRequests };
  } finally {
    await context.close();
  }
}

/** Bytes of the dashboard's JavaScript and CSS as built (raw and gzip -9, what a server would send compressed). */
export function bundleSizes(dir: string): { js: { raw: number; gzip: number }; css: { raw: number; gzip: number } } {
  const assets = join(dir, 'assets');
  const sizes = { js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };
  for (const name of readdirSync(assets)) {
    const kind = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : undefined;
    if (!kind) continue;
    const bytes = readFileSync(join(assets, name));
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return sizes;
}

import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pollUntil } from '@pa/testing';
import { Browser, Page, chromium } from 'playwright-core';
import { adminKey } from './auth';
import { tlsFiles } from './local-tls';

/** Where browser tests leave their screenshots (git-ignored; README images are copied from here). */
export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', '..', 'var', 'e2e', 'screenshots');

const CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/lib/chromium/headless_shell', '/usr/bin/chromium'];

/**
 * Debian's headless Chromium (infra/install-browser.sh installs it; CHROMIUM_PATH overrides),
 * driven by playwright-core: Playwright's own browser download needs the network.
 */
export function chromiumPath(): string {
  const path = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!path) throw new Error('no Chromium: run `bash infra/install-browser.sh` (as root) or set CHROMIUM_PATH');
  return path;
}

export function launchBrowser(): Promise<Browser> {
  // --disable-background-networking: the closed network refuses Chromium's own requests.
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', trustLocalServerKey()];
  return chromium.launch({ executablePath: chromiumPath(), args });
}

/**
 * Chromium has its own trust store, not NODE_EXTRA_CA_CERTS: instead of ignoring every HTTPS error,
 * it accepts only the stack's server key (its SPKI SHA-256), the one infra/lib/tls.sh signed.
 */
function trustLocalServerKey(): string {
  const spki = createPublicKey(readFileSync(tlsFiles().cert)).export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

/** A page that records what the API answered it (by path and query) and anything that left the API's origin. */
export class RecordedPage {
  readonly answers: { url: URL; status: number; body: unknown }[] = [];
  readonly foreignRequests: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(readonly page: Page, private readonly origin: string) {}

  /** A page on `origin`; with `readKey` (the run's admin key unless null) already in the tab's sessionStorage, as the key form leaves it. */
  static async open(browser: Browser, origin: string, readKey: string | null = adminKey()): Promise<RecordedPage> {
    // A laptop screen.
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, timezoneId: 'Europe/Paris' });
    if (readKey !== null) await page.addInitScript((key) => sessionStorage.setItem('pa.readKey', key), readKey);
    const recorded = new RecordedPage(page, origin);
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('data:')) recorded.foreignRequests.push(url);
    });
    page.on('pageerror', (error) => recorded.pageErrors.push(String(error)));
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/v1/')) return;
      const body = await response.json().catch(() => undefined);
      recorded.answers.push({ url, status: response.status(), body });
    });
    return recorded;
  }

  async goto(hash: string): Promise<void> {
    await this.page.goto(`${this.origin}/${hash}`);
  }

  /** The last answer the page got from `path`, whose query has every `params` pair. */
  answer<T>(path: string, params: Record<string, string> = {}): T {
    const found = [...this.answers].reverse().find((a) => a.url.pathname === path && Object.entries(params).every(([k, v]) => a.url.searchParams.get(k) === v));
    if (!found) throw new Error(`the page asked nothing of ${path} ${JSON.stringify(params)}; it asked: ${this.answers.map((a) => a.url.pathname + a.url.search).join(', ')}`);
    return found.body as T;
  }

  /** Waits until the panel `#id` is in one of `states` (data-state). */
  async panel(id: string, states: string[] = ['ready', 'empty'], timeoutMs = 30_000): Promise<void> {
    await this.page.waitForSelector(states.map((s) => `#${id}[data-state="${s}"]`).join(', '), { timeout: timeoutMs });
  }

  /** The page's hash route (#/view/id) and its parameters. */
  hash(): { path: string; params: URLSearchParams } {
    const [path, query = ''] = new URL(this.page.url()).hash.split('?', 2);
    return { path, params: new URLSearchParams(query) };
  }

  /** Waits until the hash route satisfies `test` (a view writes its state there). */
  async waitForHash(test: (params: URLSearchParams, path: string) => boolean, what: string): Promise<void> {
    await pollUntil(async () => this.hash(), (h) => test(h.params, h.path), { timeoutMs: 15_000, intervalMs: 50, what });
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = resolve(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  /** The text of each element matching `selector`. */
  texts(selector: string): Promise<string[]> {
    return this.page.locator(selector).allTextContents();
  }

  attributes(selector: string, name: string): Promise<(string | null)[]> {
    return this.page.locator(selector).evaluateAll((els, n) => els.map((e) => e.getAttribute(n as string)), name);
  }

  /** startTime (ms since navigation) of a Performance API mark the page set, if it did. */
  mark(name: string): Promise<number | undefined> {
    return this.page.evaluate((n) => performance.getEntriesByName(n, 'mark')[0]?.startTime, name);
  }
}

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's headless Chromium. The flags keep it off the network (this machine has none, and
 * Chromium would otherwise retry Google's hosts at every start) and let it run as root.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium fonts-wqy-microhei (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Collects what would be a bug on the page: uncaught errors and console errors (CSP violations
 * among them). The shared CSP includes frame-ancestors, which Chromium honours only from the
 * header and notes as ignored in the meta tag; that note is not an error.
 */
export function collectPageErrors(page: Page, into: string[]): void {
  page.on('pageerror', (error) => into.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/'frame-ancestors' is ignored when delivered via a <meta>/.test(message.text())) into.push(message.text());
  });
}

/** For expect.poll on what the app shows after a change: within a second, but a loaded 2-core machine gets more. */
export const eventually = { timeout: 15_000, interval: 100 };

/** The built renderer open in headless Chromium, its `window.api` bridged (support/bridge.ts). */
export interface AppWindow {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What collectPageErrors saw: a test ends by expecting it empty. */
  errors: string[];
  close(): Promise<void>;
}

/** Opens the app as a user in `locale` sees it: one browser, one context with the bridge, one page at the app's URL. */
export async function openAppWindow(
  bridge: { initScript: string; url: string },
  options: {
    locale: string;
    viewport?: { width: number; height: number };
    timeoutMs?: number;
    /** After the app's URL, e.g. '#/settings'. */
    path?: string;
    /** Listeners to attach before the first load, so they see the app's own requests too. */
    watch?: (page: Page, errors: string[]) => void;
  },
): Promise<AppWindow> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, locale: options.locale });
  await context.addInitScript({ content: bridge.initScript });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 10_000);
  const errors: string[] = [];
  collectPageErrors(page, errors);
  options.watch?.(page, errors);
  await page.goto(`${bridge.url}${options.path ?? ''}`);
  return {
    browser,
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

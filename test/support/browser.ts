import { chromium, type Browser, type Page } from 'playwright-core';
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

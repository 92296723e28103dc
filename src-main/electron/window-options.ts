import type { BrowserWindowConstructorOptions } from 'electron';

// Kept free of runtime Electron imports so a test can read exactly what the app passes to
// BrowserWindow and assert the security settings.

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'SimPsy Studio',
    backgroundColor: '#f5f7f6',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  };
}

/** The same policy as the meta tag in index.html, also sent as a header for file:// and dev loads. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // The component library injects its styles at run time (CSS-in-JS).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Whether the window may show `url`. Parsed, not substring-matched: only the app's own
 * bundle (file://…/out/renderer/…) or, in development, the exact dev-server origin.
 */
export function isAppUrl(url: string, rendererFile: string, devServerUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServerUrl) {
    try {
      return parsed.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  if (parsed.protocol !== 'file:') return false;
  return decodeURIComponent(parsed.pathname) === new URL(`file://${rendererFile.replace(/\\/g, '/')}`).pathname;
}

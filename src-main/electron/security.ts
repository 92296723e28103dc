import { app, session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAppUrl } from './window-options';

/**
 * Locks down every web contents the app creates: no navigation away from the app, no new
 * windows (https links open in the system browser instead), no permission grants (camera,
 * notifications, …), and the CSP header on every response.
 */
export function applySecurityPolicy(rendererFile: string, devServerUrl?: string): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, rendererFile, devServerUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalHttps(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function isExternalHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

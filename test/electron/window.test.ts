import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, windowOptions } from '../../src-main/electron/window-options';

describe('window factory', () => {
  const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences!;

  it('isolates the renderer: context isolation, sandbox, no Node', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('has a CSP that allows only the app’s own scripts', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d]));
    expect(directives['script-src']).toBe("script-src 'self'");
    expect(directives['default-src']).toBe("default-src 'self'");
    expect(directives['object-src']).toBe("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|http:|https:/);
  });

  it('ships the same CSP in the built page’s meta tag', () => {
    const html = join(__dirname, '../../out/renderer/index.html');
    if (!existsSync(html)) throw new Error('No built renderer: run `npm run build` first.');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(readFileSync(html, 'utf8'));
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    ['file:///app/out/renderer/index.html', true],
    ['file:///app/out/renderer/index.html#/settings', true],
    ['file:///app/out/renderer/../../etc/passwd', false],
    ['file:///etc/passwd', false],
    ['https://evil.example/app/out/renderer/index.html', false],
    ['file:///app/out/renderer/index.html.evil', false],
    ['not a url', false],
  ])('allows navigation to %s: %s', (url, allowed) => {
    expect(isAppUrl(url, '/app/out/renderer/index.html')).toBe(allowed);
  });

  it.each([
    ['http://localhost:5173/', true],
    ['http://localhost:5173/#/arena', true],
    ['http://localhost:5174/', false],
    ['http://localhost:5173.evil.example/', false],
    ['http://evil.example/?http://localhost:5173/', false],
  ])('in development allows only the dev server origin: %s → %s', (url, allowed) => {
    expect(isAppUrl(url, '/app/out/renderer/index.html', 'http://localhost:5173')).toBe(allowed);
  });
});

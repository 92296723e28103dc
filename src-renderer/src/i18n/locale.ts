import type { Locale } from '@contract';

// Kept free of store imports so the settings store can use it without an import cycle.

/** The locale the UI shows: the saved choice, else the system's (zh* → zh, anything else → en). */
export function resolveLocale(saved: Locale | null | undefined, systemLocale: string | undefined): Locale {
  if (saved) return saved;
  return (systemLocale ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** BCP 47 tag for <html lang>, which also steers the browser's choice of CJK glyphs. */
export const htmlLang: Record<Locale, string> = { zh: 'zh-CN', en: 'en' };

import { z } from 'zod';

export const locales = ['zh', 'en'] as const;
export type Locale = (typeof locales)[number];

export interface Settings {
  /** null: follow the system locale. */
  locale: Locale | null;
}

export const settingsUpdateInput = z.strictObject({
  locale: z.enum(locales).nullable().optional(),
});

export interface AppInfo {
  version: string;
  dbPath: string;
  platform: string;
  /** The operating system's locale, e.g. zh-CN, used when `Settings.locale` is null. */
  systemLocale: string;
  /** Whether API keys can be encrypted at rest here (Electron safeStorage). */
  canStoreSecrets: boolean;
}

import type { ApiError, AppInfo, Locale, Settings } from '@contract';
import { create } from 'zustand';
import { call } from '../lib/call';
import { notifyError } from '../lib/feedback';
import { dictionaries } from '../i18n/dictionaries';
import { resolveLocale } from '../i18n/locale';

// App facts (version, database path, system locale, key storage) and user preferences.
// Both are needed before the first screen renders, so they load together.

// ── State ──────────────────────────────────────────────────────────────────────
export interface SettingsState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  info: AppInfo | null;
  settings: Settings | null;
  /** Why start-up failed, shown on the start-up error screen. */
  loadError: ApiError | null;
}

export const useSettingsStore = create<SettingsState>()(() => ({
  status: 'idle',
  info: null,
  settings: null,
  loadError: null,
}));

// ── Actions ────────────────────────────────────────────────────────────────────
export const settingsActions = {
  async load(): Promise<void> {
    useSettingsStore.setState({ status: 'loading', loadError: null });
    const [info, settings] = await Promise.all([call(() => window.api.app.info()), call(() => window.api.settings.get())]);
    if (!info.ok || !settings.ok) {
      const error = !info.ok ? info.error : !settings.ok ? settings.error : null;
      useSettingsStore.setState({ status: 'failed', loadError: error });
      return;
    }
    useSettingsStore.setState({ status: 'ready', info: info.value, settings: settings.value });
  },

  /** null follows the system locale. The UI switches as soon as main has saved it. */
  async setLocale(locale: Locale | null): Promise<void> {
    const result = await call(() => window.api.settings.update({ locale }));
    if (result.ok) {
      useSettingsStore.setState({ settings: result.value });
    } else {
      notifyError(dictionaries[selectLocale(useSettingsStore.getState())].errors.changeLanguage, result.error);
    }
  },
};

// ── Selectors ──────────────────────────────────────────────────────────────────
/** Before start-up completes, the browser's language stands in for the system's. */
export const selectLocale = (s: SettingsState): Locale =>
  resolveLocale(s.settings?.locale, s.info?.systemLocale ?? navigator.language);

export const selectSystemLocale = (s: SettingsState): Locale => resolveLocale(null, s.info?.systemLocale ?? navigator.language);

/** The saved choice: 'system' when the user follows the operating system. */
export const selectLocaleChoice = (s: SettingsState): Locale | 'system' => s.settings?.locale ?? 'system';

export const selectCanStoreSecrets = (s: SettingsState): boolean => s.info?.canStoreSecrets ?? false;

import { selectLocale, useSettingsStore } from '../stores/settings';
import { dictionaries } from './dictionaries';
import type { Messages } from './en';

export type { Messages } from './en';
export { antdLocales, dictionaries } from './dictionaries';
export { htmlLang, resolveLocale } from './locale';

/** The current dictionary; components re-render when the language changes. */
export function useT(): Messages {
  return dictionaries[useSettingsStore(selectLocale)];
}

/** The current dictionary outside React (store actions composing notifications). */
export function currentMessages(): Messages {
  return dictionaries[selectLocale(useSettingsStore.getState())];
}

import { locales, type Settings } from '../contract/settings';
import type { Db } from '../storage/database';

/** App preferences as key/value rows; unknown or stale values fall back to defaults. */
export class SettingsStore {
  constructor(private readonly db: Db) {}

  get(): Settings {
    const locale = this.read('locale');
    return { locale: (locales as readonly string[]).includes(locale ?? '') ? (locale as Settings['locale']) : null };
  }

  update(patch: Partial<Settings>): Settings {
    if (patch.locale !== undefined) this.write('locale', patch.locale);
    return this.get();
  }

  private read(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private write(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

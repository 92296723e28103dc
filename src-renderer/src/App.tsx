import { App as AntApp, ConfigProvider } from 'antd';
import { useEffect, useMemo } from 'react';
import { AppShell } from './components/AppShell';
import { FeedbackBridge } from './components/FeedbackBridge';
import { Startup } from './components/Startup';
import { antdLocales, dictionaries, htmlLang } from './i18n';
import { selectLocale, useSettingsStore } from './stores/settings';
import { themeFor } from './theme';

/** Theme and language providers around the start-up gate and the shell. */
export function App() {
  const locale = useSettingsStore(selectLocale);
  const theme = useMemo(() => themeFor(locale), [locale]);

  useEffect(() => {
    // lang picks Chinese glyph forms and hyphenation; the title shows in the OS task switcher.
    document.documentElement.lang = htmlLang[locale];
    document.title = dictionaries[locale].app.name;
  }, [locale]);

  return (
    <ConfigProvider theme={theme} locale={antdLocales[locale]}>
      <AntApp>
        <FeedbackBridge />
        <Startup>
          <AppShell />
        </Startup>
      </AntApp>
    </ConfigProvider>
  );
}

import { GlobalOutlined } from '@ant-design/icons';
import type { Locale } from '@contract';
import { Card, Radio, Space, Typography } from 'antd';
import { useT } from '../../i18n';
import { selectLocaleChoice, selectSystemLocale, settingsActions, useSettingsStore } from '../../stores/settings';

/** 中文 / English / follow the system; the whole UI switches without a reload. */
export function LanguageCard() {
  const t = useT();
  const choice = useSettingsStore(selectLocaleChoice);
  const system = useSettingsStore(selectSystemLocale);

  return (
    <Card
      title={
        <Space>
          <GlobalOutlined />
          {t.language.title}
        </Space>
      }
      style={{ height: '100%' }}
      data-testid="language-card"
    >
      <Typography.Paragraph type="secondary">{t.language.description}</Typography.Paragraph>
      <Radio.Group
        value={choice}
        onChange={(e) => void settingsActions.setLocale(e.target.value === 'system' ? null : (e.target.value as Locale))}
        optionType="button"
        buttonStyle="solid"
      >
        {/* Each language names itself, so it can be found whatever the current language. */}
        <Radio.Button value="zh">
          <span data-testid="language-zh">{t.language.zh}</span>
        </Radio.Button>
        <Radio.Button value="en">
          <span data-testid="language-en">{t.language.en}</span>
        </Radio.Button>
        <Radio.Button value="system">
          <span data-testid="language-system">{t.language.system(t.language[system])}</span>
        </Radio.Button>
      </Radio.Group>
    </Card>
  );
}

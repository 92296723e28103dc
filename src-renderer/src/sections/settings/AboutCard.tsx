import { InfoCircleOutlined } from '@ant-design/icons';
import { Card, Descriptions, Space, Typography } from 'antd';
import { useT } from '../../i18n';
import { useSettingsStore } from '../../stores/settings';

/** Where the data lives and which build this is: what support and backups need. */
export function AboutCard() {
  const t = useT();
  const info = useSettingsStore((s) => s.info);
  if (!info) return null;

  return (
    <Card
      title={
        <Space>
          <InfoCircleOutlined />
          {t.about.title}
        </Space>
      }
      style={{ height: '100%' }}
      data-testid="about-card"
    >
      <Descriptions
        column={1}
        size="small"
        styles={{ label: { width: 150 } }}
        items={[
          { key: 'version', label: t.about.version, children: <span data-testid="about-version">{info.version}</span> },
          {
            key: 'db',
            label: t.about.database,
            children: (
              <div style={{ minWidth: 0 }}>
                <Typography.Text
                  code
                  copyable={{ tooltips: [t.about.copy, t.about.copied] }}
                  style={{ wordBreak: 'break-all' }}
                  data-testid="about-db-path"
                >
                  {info.dbPath}
                </Typography.Text>
                <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '6px 0 0' }}>
                  {t.about.databaseHelp}
                </Typography.Paragraph>
              </div>
            ),
          },
          { key: 'platform', label: t.about.platform, children: info.platform },
          {
            key: 'keys',
            label: t.about.keyStorage,
            children: info.canStoreSecrets ? t.about.keyStorageOk : t.about.keyStorageNo,
          },
        ]}
      />
    </Card>
  );
}

import { CheckCircleFilled, DesktopOutlined, KeyOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type { LocalModel, LocalServer } from '@contract';
import { Button, Flex, Select, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import {
  isAdding,
  localServersActions,
  selectLocalPorts,
  selectLocalServers,
  selectLocalStatus,
  useLocalServersStore,
} from '../../stores/localServers';
import { palette } from '../../theme';

function ModelLabel({ model }: { model: LocalModel }) {
  const t = useT().local;
  return (
    <Flex justify="space-between" gap={8}>
      <span>{model.id}</span>
      <span style={{ color: palette.textSecondary, fontSize: 12 }}>{model.endpoint ? t.addedAs(model.endpoint) : model.embedding ? t.embedding : ''}</span>
    </Flex>
  );
}

/** One server: what it is and where, its models in a list, and the one-click add. */
function ServerRow({ server, onAddWithKey }: { server: LocalServer; onAddWithKey: (baseUrl: string) => void }) {
  const t = useT().local;
  const [choice, setChoice] = useState<string>();
  const free = server.models.filter((m) => !m.endpoint);
  // Chat models first: an embedding model cannot play a client or a counselor.
  const chosen = free.find((m) => m.id === choice) ?? free.find((m) => !m.embedding) ?? free[0];
  const adding = useLocalServersStore((s) => (chosen ? isAdding(s, server, chosen) : false));
  const configured = server.models.filter((m) => m.endpoint);

  let body;
  if (server.needsKey) {
    body = (
      <Flex align="center" gap={12} wrap>
        <Typography.Text type="secondary">{t.needsKey}</Typography.Text>
        <Button size="small" icon={<KeyOutlined />} onClick={() => onAddWithKey(server.baseUrl)} data-testid="local-add-with-key">
          {t.addWithKey}
        </Button>
      </Flex>
    );
  } else if (server.models.length === 0) {
    body = <Typography.Text type="secondary">{t.noModels}</Typography.Text>;
  } else if (!chosen) {
    body = (
      <Typography.Text type="success" data-testid="local-all-added">
        <CheckCircleFilled style={{ marginInlineEnd: 6 }} />
        {t.allAdded}
      </Typography.Text>
    );
  } else {
    body = (
      <Flex align="center" gap={10} wrap>
        <Select
          value={chosen.id}
          onChange={setChoice}
          style={{ width: 340 }}
          options={server.models.map((m) => ({ value: m.id, disabled: m.endpoint !== null, label: <ModelLabel model={m} /> }))}
          optionLabelProp="value"
          aria-label={t.model}
          data-testid="local-model-select"
        />
        <Button type="primary" ghost icon={<PlusOutlined />} loading={adding} onClick={() => void localServersActions.add(server, chosen)} data-testid="local-add">
          {t.addAs(chosen.suggestedName)}
        </Button>
      </Flex>
    );
  }

  return (
    <div
      data-testid="local-server"
      data-kind={server.kind}
      data-port={server.port}
      style={{ padding: '12px 16px', border: `1px solid ${palette.border}`, borderRadius: 10, background: '#fff' }}
    >
      <Flex justify="space-between" align="baseline" gap={12} wrap style={{ marginBottom: 10 }}>
        <Space size={10}>
          <Typography.Text strong style={{ fontSize: 15 }}>
            {t.kinds[server.kind]}
          </Typography.Text>
          <Typography.Text type="secondary" copyable={{ text: server.baseUrl }} style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12.5 }} data-testid="local-base-url">
            {server.baseUrl}
          </Typography.Text>
        </Space>
        {!server.needsKey && <Typography.Text type="secondary" style={{ fontSize: 12.5 }}>{t.modelCount(server.models.length)}</Typography.Text>}
      </Flex>
      {body}
      {configured.length > 0 && (
        <Flex gap={6} wrap style={{ marginTop: 10 }}>
          {configured.map((m) => (
            <Tag key={m.id} color="green" icon={<CheckCircleFilled />} data-testid="local-configured" data-model={m.id} style={{ marginInlineEnd: 0 }}>
              {m.id} · {t.addedAs(m.endpoint!)}
            </Tag>
          ))}
        </Flex>
      )}
    </div>
  );
}

/** Model servers already running on this computer, offered as endpoints. Looked for when Settings opens. */
export function LocalServers({ onAddWithKey }: { onAddWithKey: (baseUrl: string) => void }) {
  const t = useT().local;
  const status = useLocalServersStore(selectLocalStatus);
  const servers = useLocalServersStore(selectLocalServers);
  const ports = useLocalServersStore(selectLocalPorts);

  useEffect(() => {
    void localServersActions.scan();
  }, []);

  let body;
  if (servers.length > 0) {
    body = (
      <Flex vertical gap={10}>
        {servers.map((server) => (
          <ServerRow key={server.baseUrl} server={server} onAddWithKey={onAddWithKey} />
        ))}
      </Flex>
    );
  } else if (status === 'ready') {
    body = (
      <Typography.Text type="secondary" data-testid="local-none">
        {t.none(ports.join(', '))}
      </Typography.Text>
    );
  } else if (status !== 'failed') {
    body = <Typography.Text type="secondary">{t.scanning}</Typography.Text>;
  }

  return (
    <section data-testid="local-servers" data-status={status} style={{ padding: '14px 16px 16px', borderRadius: 12, background: palette.layout, marginBottom: 20 }}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 10 }}>
        <Space>
          <DesktopOutlined />
          <Typography.Text strong>{t.title}</Typography.Text>
          {status === 'scanning' && <Spin size="small" />}
        </Space>
        <Button size="small" type="text" icon={<ReloadOutlined />} disabled={status === 'scanning'} onClick={() => void localServersActions.scan()} data-testid="local-rescan">
          {t.rescan}
        </Button>
      </Flex>
      {body}
    </section>
  );
}

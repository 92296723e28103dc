import { ApiOutlined, PlusOutlined } from '@ant-design/icons';
import type { EndpointView } from '@contract';
import { Button, Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { EndpointForm } from './EndpointForm';
import type { EndpointFormValues } from './endpointFormModel';
import { EndpointsTable } from './EndpointsTable';
import { LocalServers } from './LocalServers';

/** Servers found on this computer, the endpoints list, and the add/edit drawer. */
export function EndpointsCard() {
  const t = useT();
  const [editing, setEditing] = useState<{ open: boolean; endpoint: EndpointView | null; preset?: Partial<EndpointFormValues>; session: number }>({
    open: false,
    endpoint: null,
    session: 0,
  });
  // A new session per opening remounts the form, so nothing typed (a key above all) survives a close.
  const openForm = (endpoint: EndpointView | null, preset?: Partial<EndpointFormValues>) =>
    setEditing((s) => ({ open: true, endpoint, session: s.session + 1, ...(preset ? { preset } : {}) }));

  return (
    <Card
      data-testid="endpoints-card"
      title={
        <Space>
          <ApiOutlined />
          {t.endpoints.title}
        </Space>
      }
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => openForm(null)} data-testid="endpoints-add">
          {t.endpoints.add}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t.endpoints.description}
      </Typography.Paragraph>
      <LocalServers onAddWithKey={(baseUrl) => openForm(null, { baseUrl })} />
      <EndpointsTable onEdit={openForm} />
      <EndpointForm
        key={editing.session}
        open={editing.open}
        endpoint={editing.endpoint}
        {...(editing.preset ? { preset: editing.preset } : {})}
        onClose={() => setEditing((s) => ({ ...s, open: false }))}
      />
    </Card>
  );
}

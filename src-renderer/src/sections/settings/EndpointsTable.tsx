import { ApiOutlined, CodeOutlined, DeleteOutlined, EditOutlined, LockOutlined } from '@ant-design/icons';
import type { EndpointView } from '@contract';
import { Button, Flex, Popconfirm, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { Messages } from '../../i18n';
import { useT } from '../../i18n';
import { endpointsActions, selectEndpoints, selectEndpointsLoading, selectTests, useEndpointsStore } from '../../stores/endpoints';
import { TestResult } from './TestResult';

function KeyStatus({ endpoint, t }: { endpoint: EndpointView; t: Messages['endpoints'] }) {
  if (endpoint.hasApiKey) {
    return (
      <Tag color="green" icon={<LockOutlined />} data-testid="key-status" data-key="stored">
        {t.keyStored}
      </Tag>
    );
  }
  if (endpoint.apiKeyEnv) {
    return (
      <Tag color="blue" icon={<CodeOutlined />} data-testid="key-status" data-key="env" style={{ whiteSpace: 'normal' }}>
        {t.keyEnv(endpoint.apiKeyEnv)}
      </Tag>
    );
  }
  return (
    <Tag data-testid="key-status" data-key="none">
      {t.keyNone}
    </Tag>
  );
}

const defaultsText = (e: EndpointView, t: Messages['endpoints']): string[] => {
  const parts: string[] = [];
  if (e.temperature !== null) parts.push(t.temperature(e.temperature));
  if (e.topP !== null) parts.push(t.topP(e.topP));
  if (e.maxTokens !== null) parts.push(t.maxTokens(e.maxTokens));
  if (e.timeoutMs !== null) parts.push(t.timeout(e.timeoutMs / 1000));
  return parts;
};

const pricesText = (e: EndpointView, t: Messages['endpoints']): string[] => {
  const parts: string[] = [];
  if (e.priceInputPerM !== null) parts.push(t.priceIn(e.priceInputPerM));
  if (e.priceOutputPerM !== null) parts.push(t.priceOut(e.priceOutputPerM));
  return parts;
};

function Lines({ lines, empty }: { lines: string[]; empty: string }) {
  if (lines.length === 0) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  return (
    <Flex vertical style={{ fontSize: 13 }}>
      {lines.map((line) => (
        <span key={line}>{line}</span>
      ))}
    </Flex>
  );
}

/** Endpoints with their key status, defaults and prices; a connection test opens its result under the row. */
export function EndpointsTable({ onEdit }: { onEdit: (endpoint: EndpointView) => void }) {
  const t = useT();
  const te = t.endpoints;
  const items = useEndpointsStore(selectEndpoints);
  const loading = useEndpointsStore(selectEndpointsLoading);
  const tests = useEndpointsStore(selectTests);

  const columns: TableColumnsType<EndpointView> = [
    {
      // Name, model and URL stacked: the URL is long and the least read, so it gets the small line.
      title: te.columns.endpoint,
      key: 'endpoint',
      render: (_, e) => (
        <Flex vertical style={{ minWidth: 0 }}>
          {/* Size as well as weight: some CJK fonts have no bold face. */}
          <Typography.Text strong style={{ fontSize: 15 }} data-testid="endpoint-name">
            {e.name}
          </Typography.Text>
          <Typography.Text style={{ fontSize: 13 }} data-testid="endpoint-model">
            {e.model}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis={{ tooltip: e.baseUrl }} style={{ fontSize: 12 }} data-testid="endpoint-base-url">
            {e.baseUrl}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: te.columns.key, key: 'key', width: 180, render: (_, e) => <KeyStatus endpoint={e} t={te} /> },
    { title: te.columns.defaults, key: 'defaults', width: 160, render: (_, e) => <Lines lines={defaultsText(e, te)} empty={te.providerDefaults} /> },
    { title: te.columns.prices, key: 'prices', width: 150, render: (_, e) => <Lines lines={pricesText(e, te)} empty={te.noPrice} /> },
    {
      title: te.columns.actions,
      key: 'actions',
      width: 200,
      render: (_, e) => {
        const running = tests[e.id]?.running === true;
        return (
          <Flex gap={4} align="center">
            <Button
              size="small"
              icon={<ApiOutlined />}
              loading={running}
              onClick={() => void endpointsActions.test(e.id)}
              data-testid="endpoint-test"
            >
              {running ? te.testing : te.test}
            </Button>
            <Tooltip title={te.edit}>
              <Button size="small" type="text" icon={<EditOutlined />} aria-label={te.edit} onClick={() => onEdit(e)} data-testid="endpoint-edit" />
            </Tooltip>
            <Popconfirm
              title={te.removeConfirm(e.name)}
              description={te.removeDetail}
              okText={te.removeOk}
              cancelText={te.cancel}
              okButtonProps={{ danger: true, ...{ 'data-testid': 'endpoint-remove-confirm' } }}
              onConfirm={() => endpointsActions.remove(e)}
            >
              <Tooltip title={te.remove}>
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={te.remove} data-testid="endpoint-remove" />
              </Tooltip>
            </Popconfirm>
          </Flex>
        );
      },
    },
  ];

  const shownTests = items.filter((e) => {
    const test = tests[e.id];
    return test && !test.running;
  });

  return (
    <Table<EndpointView>
      rowKey="id"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={false}
      locale={{ emptyText: <Typography.Text type="secondary">{te.emptyTable}</Typography.Text> }}
      onRow={(e) => ({ 'data-testid': `endpoint-row`, 'data-name': e.name }) as React.HTMLAttributes<HTMLElement>}
      expandable={{
        showExpandColumn: false,
        expandedRowKeys: shownTests.map((e) => e.id),
        expandedRowRender: (e) => {
          const test = tests[e.id];
          return test && !test.running ? <TestResult name={e.name} result={test.result} onDismiss={() => endpointsActions.dismissTest(e.id)} /> : null;
        },
      }}
      data-testid="endpoints-table"
    />
  );
}

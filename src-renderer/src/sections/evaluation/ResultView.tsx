import { CloseOutlined, DeleteOutlined, FileTextOutlined } from '@ant-design/icons';
import { evaluationCharts, type EvaluationDetail, type StoredDataset } from '@contract';
import { Button, Descriptions, Flex, Space, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { Chart } from '../../components/Chart';
import { useT } from '../../i18n';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { evaluationActions } from '../../stores/evaluation';
import { ResultTables } from './ResultTables';

const datasetName = (d: StoredDataset, key: 'a' | 'b') => `${key.toUpperCase()}: ${d.runs.map((r) => r.title.trim() || `#${r.id}`).join(', ')}`;

/** A stored evaluation: its tables and tests, its charts, its datasets and exact settings. */
export function ResultView({ evaluation: e }: { evaluation: EvaluationDetail }) {
  const t = useT();
  const ev = t.ev;
  const locale = useSettingsStore(selectLocale);
  const names = useMemo(() => [datasetName(e.datasets.a, 'a'), ...(e.datasets.b ? [datasetName(e.datasets.b, 'b')] : [])], [e]);
  const charts = useMemo(() => evaluationCharts(e, ev.chart, { a: names[0]!, b: names[1] ?? null }), [e, ev.chart, names]);
  const datasets = [e.datasets.a, ...(e.datasets.b ? [e.datasets.b] : [])];

  return (
    <Flex vertical gap={16} data-testid="evaluation-result" data-evaluation-id={e.id} data-measure={e.measure}>
      <Flex justify="space-between" align="start" gap={12}>
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {ev.measures[e.measure]}
          </Typography.Title>
          <Typography.Text type="secondary">
            {ev.evaluationNo(e.id)} · {e.title} · {new Date(e.createdAt).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-US')} · v{e.appVersion}
          </Typography.Text>
        </div>
        <Space>
          <Button icon={<FileTextOutlined />} onClick={() => void evaluationActions.exportReport(locale)} data-testid="evaluation-report">
            {ev.report}
          </Button>
          <Button icon={<DeleteOutlined />} danger type="text" onClick={() => void evaluationActions.remove(e.id)} aria-label={ev.remove} />
          <Button icon={<CloseOutlined />} type="text" onClick={() => evaluationActions.close()} aria-label="close" />
        </Space>
      </Flex>

      <Flex gap={8} wrap>
        {datasets.map((d, i) => (
          <Tag key={i} color={i === 0 ? 'blue' : 'orange'} style={{ fontSize: 13, padding: '2px 8px' }}>
            {names[i]} · {ev.sessions(d.sessionIds.length)}
          </Tag>
        ))}
      </Flex>

      <ResultTables evaluation={e} names={names} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {ev.footnote}
      </Typography.Text>

      {charts.map((c) => (
        <Chart
          key={`${c.key}-${locale}`}
          name={c.key}
          option={c.option}
          {...(c.height ? { height: c.height } : {})}
          labels={{ svg: ev.exportSvg, png: ev.exportPng }}
          onExport={(format, content) => void evaluationActions.saveChart(`evaluation-${e.id}-${c.key}`, format, content)}
        />
      ))}

      <Descriptions
        size="small"
        column={1}
        bordered
        title={<span style={{ fontSize: 14 }}>{ev.settings}</span>}
        data-testid="evaluation-settings"
        items={Object.entries(e.settings).map(([k, v]) => ({
          key: k,
          label: ev.settingNames[k] ?? k,
          children: <span style={{ wordBreak: 'break-word' }}>{v === null ? ev.noneSetting : typeof v === 'string' ? v : JSON.stringify(v)}</span>,
        }))}
      />
    </Flex>
  );
}

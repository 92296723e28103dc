import type { RunDetail } from '@contract';
import { Card, Col, Flex, Progress, Row, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useT } from '../../i18n';
import { palette } from '../../theme';
import { endReasonColor } from '../dialogues/ChatBubbles';
import { formatCost, formatCount, formatDuration, statusColor } from './format';
import { RunControls } from './RunsTable';

const barColors: Record<string, string> = {
  green: '#4e9868',
  gold: '#c49536',
  orange: '#cf7f45',
  red: '#c0594e',
  default: '#9aa5a2',
  blue: '#5b86b0',
};

/** A small horizontal bar chart: one row per label, bars scaled to the largest value. */
export function Bars({ rows, testId }: { rows: { key: string; label: string; value: number; color: string }[]; testId: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <Flex vertical gap={8} data-testid={testId}>
      {rows.map((r) => (
        <Flex key={r.key} align="center" gap={10} style={{ fontSize: 13 }} data-key={r.key} data-value={r.value}>
          <span style={{ width: 184, flexShrink: 0, color: palette.textSecondary }}>{r.label}</span>
          <div style={{ flex: 1, height: 10, background: palette.layout, borderRadius: 5, overflow: 'hidden' }}>
            <div style={{ width: `${(r.value / max) * 100}%`, minWidth: r.value > 0 ? 3 : 0, height: '100%', background: r.color, borderRadius: 5, transition: 'width .3s' }} />
          </div>
          <span style={{ width: 44, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>{r.value}</span>
        </Flex>
      ))}
    </Flex>
  );
}

function Figure({ title, value, suffix, testId, hint }: { title: string; value: string | number; suffix?: string; testId: string; hint?: string }) {
  return (
    <Tooltip title={hint}>
      <div data-testid={testId}>
        <Statistic title={title} value={value} suffix={suffix} styles={{ content: { fontSize: 22, fontVariantNumeric: 'tabular-nums' } }} />
      </div>
    </Tooltip>
  );
}

export function RunDashboardCard({ run }: { run: RunDetail }) {
  const t = useT().sim;
  const tj = useT().jobs;
  const td = useT().dlg;
  const fail = useT().endpoints.failures as Record<string, string>;
  const d = run.dashboard;
  // After the run ends the dashboard has no clock; the run's own start and end stand in.
  const elapsed = d.elapsedMs ?? (run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.createdAt) : null);
  const s = d.sessions;
  const ended = s.completed + s.failed + s.cancelled;
  const percent = s.total ? Math.round((ended / s.total) * 100) : 0;
  const errorRows = Object.entries(d.errorsByKind)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => ({ key: k, label: fail[k] ?? k, value: v, color: '#c0594e' }));
  const reasonRows = (['phrase', 'turn_limit', 'refinement_failed', 'error', 'cancelled'] as const).map((k) => ({
    key: k,
    label: td.endReasons[k],
    value: d.endReasons[k],
    color: barColors[endReasonColor[k]]!,
  }));

  return (
    <Card
      data-testid="run-dashboard"
      data-status={d.status}
      title={
        <Flex align="center" gap={10} style={{ minWidth: 0 }}>
          <Typography.Text strong ellipsis style={{ fontSize: 16 }}>
            {run.title}
          </Typography.Text>
          <Tag color={statusColor[d.status]} data-testid="dashboard-status">
            {tj.status[d.status]}
          </Tag>
        </Flex>
      }
      extra={<RunControls run={{ ...run, status: d.status }} size="middle" />}
    >
      <Flex align="center" gap={16} style={{ marginBottom: 20 }}>
        <Progress
          data-testid="dashboard-progress"
          percent={percent}
          success={{ percent: s.total ? Math.round((s.completed / s.total) * 100) : 0, strokeColor: palette.primary }}
          strokeColor="#cf7f45"
          status={d.status === 'running' ? 'active' : d.status === 'failed' ? 'exception' : 'normal'}
          style={{ flex: 1, margin: 0 }}
          format={() => `${ended} / ${s.total}`}
        />
      </Flex>
      {run.error && (
        <Typography.Paragraph type="danger" style={{ marginTop: -8 }}>
          {run.error}
        </Typography.Paragraph>
      )}
      <Row gutter={[24, 20]}>
        <Col span={4}>
          <Figure testId="dash-completed" title={t.dash.completed} value={s.completed} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-running" title={t.dash.running} value={s.running} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-failed" title={t.dash.failed} value={s.failed} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-pending" title={t.dash.pending} value={s.pending} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-eta" title={t.dash.eta} value={d.status === 'running' ? formatDuration(d.etaMs) : '—'} hint={t.dash.elapsed(formatDuration(elapsed))} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-cpm" title={t.dash.callsPerMinute} value={d.callsPerMinute} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-calls" title={t.dash.calls} value={formatCount(d.calls)} hint={t.dash.rejectedHint(d.rejectedAttempts)} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-tokens" title={t.dash.tokens} value={formatCount(d.tokens.prompt + d.tokens.completion)} hint={t.dash.tokensHint(d.tokens.prompt, d.tokens.completion, d.tokens.cached)} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-cost" title={t.dash.cost} value={formatCost(d.cost)} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-turns" title={t.dash.averageTurns} value={d.averageTurns === null ? '—' : d.averageTurns.toFixed(1)} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-rejected" title={t.dash.rejected} value={d.rejectedAttempts} />
        </Col>
        <Col span={4}>
          <Figure testId="dash-elapsed" title={t.dash.elapsedTitle} value={formatDuration(elapsed)} />
        </Col>
      </Row>
      <Row gutter={32} style={{ marginTop: 24 }}>
        <Col span={12}>
          <Typography.Text strong style={{ display: 'block', marginBottom: 10 }}>
            {t.dash.endReasons}
          </Typography.Text>
          <Bars rows={reasonRows} testId="dash-end-reasons" />
        </Col>
        <Col span={12}>
          <Typography.Text strong style={{ display: 'block', marginBottom: 10 }}>
            {t.dash.errors}
          </Typography.Text>
          {errorRows.length ? (
            <Bars rows={errorRows} testId="dash-errors" />
          ) : (
            <Typography.Text type="secondary" data-testid="dash-errors">
              {t.dash.noErrors}
            </Typography.Text>
          )}
        </Col>
      </Row>
    </Card>
  );
}

import { RedoOutlined } from '@ant-design/icons';
import type { RunDetail, RunEvent } from '@contract';
import { Button, Card, Col, Flex, Progress, Row, Statistic, Tag, Tooltip, Typography } from 'antd';
import { useT, type Messages } from '../../i18n';
import { isLiveStatus, selectBusy, simulationsActions, useSimulationsStore } from '../../stores/simulations';
import { palette, statusColor } from '../../theme';
import { endReasonColor } from '../dialogues/ChatBubbles';
import { formatCost, formatCount, formatDuration, formatTime } from './format';
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

function eventText(e: RunEvent, m: Messages): string {
  const t = m.sim.event;
  const role = (r: 'client' | 'counselor') => m.dlg[r];
  switch (e.kind) {
    case 'resumed':
      return t.resumed(m.jobs.status[e.from], e.pid, e.host);
    case 'taken_over':
      return t.takenOver(e.pid, e.host, String(e.fromPid ?? '?'));
    case 'model_changed':
      return t.modelChanged(role(e.role), e.from, e.to);
    case 'base_url_changed':
      return t.baseUrlChanged(role(e.role), e.from, e.to);
    case 'sessions_retried':
      return t.sessionsRetried(e.sessions);
  }
}

/** What the run was resumed, retried or switched to: its record stays honest about how it was made. */
function RunHistory({ history }: { history: RunEvent[] }) {
  const m = useT();
  if (history.length === 0) return null;
  return (
    <Flex vertical gap={2} style={{ marginBottom: 16 }} data-testid="run-history">
      <Typography.Text strong>{m.sim.history}</Typography.Text>
      {history.map((e, i) => (
        <Typography.Text key={i} type="secondary" style={{ fontSize: 12 }} data-kind={e.kind}>
          {formatTime(e.at)} · {eventText(e, m)}
        </Typography.Text>
      ))}
    </Flex>
  );
}

/** Sends the sessions that ended in error back to work (a failed run's Resume does this too). */
function RetryButton({ run }: { run: RunDetail }) {
  const t = useT().sim;
  const busy = useSimulationsStore(selectBusy)[run.id] ?? false;
  const errored = run.dashboard.endReasons.error;
  const status = run.dashboard.status;
  if (errored === 0 || isLiveStatus(status) || status === 'failed' || status === 'cancelled') return null;
  return (
    <Tooltip title={t.retryHint(errored)}>
      <Button icon={<RedoOutlined />} loading={busy} onClick={() => void simulationsActions.control(run.id, 'retry')} data-testid="run-retry">
        {t.retry}
      </Button>
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
      extra={
        <Flex gap={6}>
          <RetryButton run={run} />
          <RunControls run={{ ...run, status: d.status }} size="middle" />
        </Flex>
      }
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
        <Typography.Paragraph type="danger" style={{ marginTop: -8 }} data-testid="run-error">
          {run.error}
        </Typography.Paragraph>
      )}
      <RunHistory history={run.history} />
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

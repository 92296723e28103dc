import { DeleteOutlined, PauseOutlined, PlayCircleOutlined, StopOutlined } from '@ant-design/icons';
import type { RunSummary } from '@contract';
import { Button, Flex, Popconfirm, Progress, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useT } from '../../i18n';
import { isLiveStatus, selectBusy, selectRuns, selectSelectedRunId, simulationsActions, useSimulationsStore } from '../../stores/simulations';
import { palette, statusColor } from '../../theme';
import { formatCost, formatTime } from './format';

export const endedOf = (r: RunSummary) => r.completed + r.failed + r.cancelled;

/** Pause / resume / cancel for one run (pause works wherever the run executes: the app or the CLI). */
export function RunControls({ run, size = 'small' }: { run: RunSummary; size?: 'small' | 'middle' }) {
  const t = useT().sim;
  const busy = useSimulationsStore(selectBusy)[run.id] ?? false;
  const live = isLiveStatus(run.status);
  return (
    <Flex gap={6} onClick={(e) => e.stopPropagation()}>
      {live && (
        <Button size={size} icon={<PauseOutlined />} loading={busy} onClick={() => void simulationsActions.control(run.id, 'pause')} data-testid="run-pause">
          {t.pause}
        </Button>
      )}
      {((run.status === 'paused' && run.unfinished > 0) || run.status === 'failed') && (
        // A failed run's sessions that ended in error are retried too (docs/simulation.md, "Honest endings").
        <Tooltip title={run.status === 'failed' ? t.resumeFailedHint : undefined}>
          <Button size={size} type="primary" ghost icon={<PlayCircleOutlined />} loading={busy} onClick={() => void simulationsActions.control(run.id, 'resume')} data-testid="run-resume">
            {t.resume}
          </Button>
        </Tooltip>
      )}
      {(live || run.status === 'paused' || run.status === 'failed') && run.unfinished > 0 && (
        <Popconfirm title={t.cancelConfirm} description={t.cancelDetail} okText={t.cancelOk} cancelText={t.keepRunning} okButtonProps={{ danger: true }} onConfirm={() => void simulationsActions.control(run.id, 'cancel')}>
          <Button size={size} danger icon={<StopOutlined />} data-testid="run-cancel">
            {t.cancel}
          </Button>
        </Popconfirm>
      )}
    </Flex>
  );
}

export function RunsTable() {
  const t = useT().sim;
  const tj = useT().jobs;
  const runs = useSimulationsStore(selectRuns);
  const selected = useSimulationsStore(selectSelectedRunId);

  const columns: TableColumnsType<RunSummary> = [
    {
      title: t.columns.run,
      key: 'run',
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text strong ellipsis style={{ maxWidth: 260 }}>
            {r.title}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
            {t.models(r.clientModel ?? '—', r.counselorModel ?? '—')} · {formatTime(r.createdAt)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t.columns.status,
      key: 'status',
      width: 110,
      render: (_, r) => (
        <Tooltip title={r.error}>
          <Tag color={statusColor[r.status]} data-testid="run-status" data-status={r.status}>
            {tj.status[r.status]}
          </Tag>
        </Tooltip>
      ),
    },
    {
      title: t.columns.progress,
      key: 'progress',
      width: 220,
      render: (_, r) => (
        <Flex vertical>
          <Progress
            percent={r.sessions ? Math.round((endedOf(r) / r.sessions) * 100) : 0}
            size="small"
            status={r.status === 'failed' ? 'exception' : r.status === 'running' ? 'active' : 'normal'}
            strokeColor={palette.primary}
            showInfo={false}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="run-progress-text">
            {t.sessionsOf(endedOf(r), r.sessions)}
            {r.failed > 0 ? ` · ${t.failedN(r.failed)}` : ''}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t.columns.cost, key: 'cost', width: 90, align: 'right', render: (_, r) => formatCost(r.cost) },
    {
      title: '',
      key: 'actions',
      width: 250,
      align: 'right',
      render: (_, r) => (
        <Flex gap={6} justify="flex-end">
          <RunControls run={r} />
          {!isLiveStatus(r.status) && (
            <span onClick={(e) => e.stopPropagation()}>
              <Popconfirm title={t.removeConfirm(r.title)} description={t.removeDetail} okText={t.removeOk} cancelText={t.keep} okButtonProps={{ danger: true }} onConfirm={() => void simulationsActions.remove(r.id)}>
                <Tooltip title={t.remove}>
                  <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t.remove} />
                </Tooltip>
              </Popconfirm>
            </span>
          )}
        </Flex>
      ),
    },
  ];

  return (
    <Table<RunSummary>
      data-testid="runs-table"
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={runs}
      pagination={runs.length > 8 ? { pageSize: 8, size: 'small' } : false}
      onRow={(r) => ({
        onClick: () => void simulationsActions.select(r.id),
        style: { cursor: 'pointer', background: r.id === selected ? palette.primarySoft : undefined },
        'data-testid': 'run-row',
        'data-run': r.id,
      } as React.HTMLAttributes<HTMLElement>)}
    />
  );
}

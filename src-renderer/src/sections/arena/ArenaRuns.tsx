import { PauseOutlined, PlayCircleOutlined, PlusOutlined, StopOutlined, TrophyOutlined } from '@ant-design/icons';
import type { ArenaDetail, ArenaSummary } from '@contract';
import { Button, Card, Descriptions, Empty, Flex, Popconfirm, Progress, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { arenaActions, isLiveArena, selectArenaBusy, selectArenaDetail, selectArenaRuns, selectCounselors, useArenaStore } from '../../stores/arena';
import { statusColor } from '../../theme';
import { formatCost, formatTime } from '../simulations/format';
import { BattlesPanel } from './BattlesPanel';
import { RatingsPanel } from './RatingsPanel';
import { StartArena } from './StartArena';

// The arena runs, the one being watched (its outcome so far and its controls), and under it
// the battles as they are judged and the ratings.

function Controls({ run }: { run: ArenaSummary }) {
  const t = useT().arena.runs;
  const busy = useArenaStore(selectArenaBusy);
  const live = isLiveArena(run.status);
  const unfinished = run.ended < run.sessions;
  return (
    <Flex gap={6} onClick={(e) => e.stopPropagation()}>
      {live && (
        <Button size="small" icon={<PauseOutlined />} loading={busy} onClick={() => void arenaActions.control('pause', run.id)} data-testid="arena-pause">
          {t.pause}
        </Button>
      )}
      {(run.status === 'paused' || run.status === 'failed') && unfinished && (
        <Button size="small" type="primary" ghost icon={<PlayCircleOutlined />} loading={busy} onClick={() => void arenaActions.control('resume', run.id)} data-testid="arena-resume">
          {t.resume}
        </Button>
      )}
      {(live || run.status === 'paused' || run.status === 'failed') && unfinished && (
        <Popconfirm title={t.cancelConfirm} okText={t.cancel} cancelText={t.keep} okButtonProps={{ danger: true }} onConfirm={() => void arenaActions.control('cancel', run.id)}>
          <Button size="small" danger icon={<StopOutlined />} data-testid="arena-cancel">
            {t.cancel}
          </Button>
        </Popconfirm>
      )}
    </Flex>
  );
}

function RunSummaryCard({ run }: { run: ArenaDetail }) {
  const t = useT().arena.summary;
  const tj = useT().jobs;
  const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
  return (
    <Card
      size="small"
      data-testid="arena-summary"
      title={
        <Typography.Text strong ellipsis style={{ maxWidth: 640 }}>
          {run.title}
        </Typography.Text>
      }
      extra={
        <Space>
          <Tag color={statusColor[run.status]} data-testid="arena-status">
            {tj.status[run.status]}
          </Tag>
          <Controls run={run} />
        </Space>
      }
    >
      <Flex vertical gap={8}>
        <Flex align="center" gap={12}>
          <Progress percent={run.sessions ? Math.floor((100 * run.ended) / run.sessions) : 0} size="small" style={{ maxWidth: 360, margin: 0 }} status={isLiveArena(run.status) ? 'active' : 'normal'} />
          <Typography.Text type="secondary">{t.sessions(run.ended, run.sessions)}</Typography.Text>
        </Flex>
        <Descriptions
          size="small"
          column={{ xs: 2, md: 4 }}
          items={[
            { key: 'b', label: t.battles, children: <span data-testid="arena-battle-count">{run.battles}</span> },
            { key: 'f', label: t.failed, children: run.failedJudgments },
            { key: 't', label: t.ties, children: run.ties },
            { key: 'c', label: t.calls, children: run.calls },
            { key: 'judge', label: useT().arena.runs.judge, children: `${run.judge} · ${t.prompt(run.promptVersion)}` },
            { key: 'p', label: useT().arena.start.pairing, children: t.pairing[run.pairing] ?? run.pairing },
            { key: 'first', label: t.firstWon, children: pct(run.firstPositionRate) },
            ...(run.swapCheck ? [{ key: 'bias', label: t.positionBias, children: pct(run.positionBias.rate) }] : []),
            ...(run.cost > 0 ? [{ key: 'cost', label: t.cost, children: `$${formatCost(run.cost)}` }] : []),
          ]}
        />
      </Flex>
    </Card>
  );
}

export function ArenaRuns() {
  const t = useT().arena;
  const tj = useT().jobs;
  const runs = useArenaStore(selectArenaRuns);
  const detail = useArenaStore(selectArenaDetail);
  const counselors = useArenaStore(selectCounselors);
  const [starting, setStarting] = useState(false);

  const columns: TableColumnsType<ArenaSummary> = [
    {
      title: t.runs.title,
      key: 'title',
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text strong ellipsis style={{ maxWidth: 320 }}>
            {r.counselors.join(' · ')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            #{r.id} · {t.runs.judge} {r.judge} · {formatTime(r.createdAt)}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t.runs.progress, key: 'progress', width: 160, render: (_, r) => <Progress percent={r.sessions ? Math.floor((100 * r.ended) / r.sessions) : 0} size="small" format={() => `${r.ended}/${r.sessions}`} /> },
    { title: t.runs.battles, dataIndex: 'battles', width: 90 },
    { title: t.runs.failed, dataIndex: 'failedJudgments', width: 110 },
    { title: t.runs.status, key: 'status', width: 110, render: (_, r) => <Tag color={statusColor[r.status]}>{tj.status[r.status]}</Tag> },
    { key: 'controls', width: 200, render: (_, r) => <Controls run={r} /> },
  ];

  const newArena = (
    <Button type="primary" icon={<PlusOutlined />} disabled={counselors.length < 2} onClick={() => setStarting(true)} data-testid="arena-new">
      {t.runs.newArena}
    </Button>
  );

  return (
    <Flex vertical gap={16}>
      <Card
        title={
          <Space>
            <TrophyOutlined />
            {t.runs.title}
          </Space>
        }
        extra={newArena}
        styles={{ body: { padding: '8px 16px 12px' } }}
        data-testid="arena-runs-card"
      >
        {runs.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.runs.empty} />
        ) : (
          <Table
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={runs}
            pagination={runs.length > 8 ? { pageSize: 8, size: 'small' } : false}
            rowClassName={(r) => (r.id === detail?.id ? 'ant-table-row-selected' : '')}
            onRow={(r) => ({ onClick: () => void arenaActions.select(r.id), style: { cursor: 'pointer' } })}
            data-testid="arena-runs"
          />
        )}
      </Card>
      {detail && <RunSummaryCard run={detail} />}
      {detail && (
        <Tabs
          defaultActiveKey="battles"
          items={[
            { key: 'battles', label: <span data-testid="arena-tab-battles">{t.battles.title}</span>, children: <BattlesPanel /> },
            { key: 'ratings', label: <span data-testid="arena-tab-ratings">{t.ratings.title}</span>, children: <RatingsPanel /> },
          ]}
        />
      )}
      <StartArena open={starting} onClose={() => setStarting(false)} />
    </Flex>
  );
}

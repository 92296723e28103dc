import { CloudDownloadOutlined, EyeOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import type { ChartOption, FineTuneJobView, TrainerPointView } from '@contract';
import { Alert, Button, Card, Descriptions, Empty, Flex, Popconfirm, Progress, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { Chart } from '../../components/Chart';
import { useT } from '../../i18n';
import { evaluationActions } from '../../stores/evaluation';
import { ServePanel } from './Serve';
import { fineTuningActions, selectOpenJob, useFineTuningStore } from './store';

// Training jobs: the list with status and progress, and the open job's view: step/total,
// epoch, loss, time left, the loss curve from the logged steps, the end of its output,
// Cancel, Fetch results, Follow for a job nothing here watches, and, once done, serving
// its model back as a counselor.

const statusColor: Record<string, string> = { queued: 'default', running: 'processing', paused: 'warning', done: 'success', failed: 'error', cancelled: 'default' };
const ended = (status: string) => status === 'done' || status === 'failed' || status === 'cancelled';

function lossOption(points: readonly TrainerPointView[], names: { title: string; step: string; loss: string }): ChartOption {
  return {
    title: { text: names.title, left: 'center', textStyle: { fontSize: 13, fontWeight: 500 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 24, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: names.step, nameLocation: 'middle', nameGap: 26, minInterval: 1, max: points.at(-1)?.totalSteps ?? null },
    yAxis: { type: 'value', name: names.loss, scale: true },
    series: [{ type: 'line', name: names.loss, showSymbol: points.length < 60, data: points.filter((p) => p.loss !== null).map((p) => [p.step, p.loss]) }],
  };
}

function JobView({ view }: { view: FineTuneJobView }) {
  const all = useT();
  const t = all.ft;
  const points = useFineTuningStore((s) => s.points);
  const log = useFineTuningStore((s) => s.log);
  const { job, latest } = view;
  const option = useMemo(() => lossOption(points, { title: t.job.chart, step: t.job.chartStep, loss: t.job.chartLoss }), [points, t]);
  const unwatched = job.status === 'queued' || job.status === 'paused';
  // The output's newest lines matter (a failure's traceback): keep the end in view.
  const output = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (output.current) output.current.scrollTop = output.current.scrollHeight;
  }, [log]);
  return (
    <Card
      title={
        <Flex gap={8} align="center">
          <span>{t.job.title(job.id)}</span>
          <Tag color={statusColor[job.status]} data-testid="ft-job-status">
            {all.jobs.status[job.status]}
          </Tag>
          <Typography.Text type="secondary" ellipsis style={{ fontWeight: 400, maxWidth: 420 }}>
            {job.title}
          </Typography.Text>
        </Flex>
      }
      extra={
        <Flex gap={8}>
          {unwatched && (
            <Button size="small" icon={<EyeOutlined />} onClick={() => void fineTuningActions.watch(job.id)} title={t.job.watchHint} data-testid="ft-job-watch">
              {t.job.watch}
            </Button>
          )}
          {!ended(job.status) && (
            <Popconfirm title={t.job.cancelConfirm} okText={t.job.cancelOk} cancelText={t.job.keep} okButtonProps={{ danger: true, ...({ 'data-testid': 'ft-job-cancel-ok' } as object) }} onConfirm={() => void fineTuningActions.cancel(job.id)}>
              <Button size="small" danger icon={<StopOutlined />} data-testid="ft-job-cancel">
                {t.job.cancel}
              </Button>
            </Popconfirm>
          )}
          <Button size="small" icon={<CloudDownloadOutlined />} disabled={job.status !== 'done'} onClick={() => void fineTuningActions.fetch(job.id)} data-testid="ft-job-fetch">
            {t.job.fetch}
          </Button>
          <Button size="small" type="text" onClick={() => void fineTuningActions.openJob(null)}>
            {t.job.close}
          </Button>
        </Flex>
      }
      data-testid="ft-job"
    >
      <Flex vertical gap={12}>
        {job.status === 'failed' && job.error && <Alert type="error" showIcon message={t.job.failed} description={<pre style={{ whiteSpace: 'pre-wrap', margin: 0, fontSize: 12 }}>{job.error}</pre>} data-testid="ft-job-error" />}
        {job.status === 'done' && <ServePanel key={job.id} view={view} />}
        <Descriptions size="small" column={{ xs: 2, md: 4 }}>
          <Descriptions.Item label={t.job.step}>
            <span data-testid="ft-job-step">{latest ? `${latest.step}/${latest.totalSteps}` : '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t.job.epoch}>{latest?.epoch ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t.job.loss}>{latest?.loss ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t.job.eta}>{latest?.etaSeconds !== null && latest?.etaSeconds !== undefined && !ended(job.status) ? t.job.etaValue(latest.etaSeconds) : '—'}</Descriptions.Item>
        </Descriptions>
        {latest && <Progress percent={Math.floor((100 * latest.step) / Math.max(1, latest.totalSteps))} size="small" status={job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'} />}
        {points.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.job.noPoints} />
        ) : (
          <div data-testid="ft-loss" data-points={points.length}>
            <Chart option={option} height={280} name={`finetune-${job.id}-loss`} labels={t.job.exported} onExport={(format, content) => void evaluationActions.saveChart(`finetune-${job.id}-loss`, format, content)} />
          </div>
        )}
        <Typography.Text type="secondary">
          {t.job.folder}: {view.connection ?? t.jobs.removedServer} · <Typography.Text code>{view.remoteDir}</Typography.Text>
        </Typography.Text>
        <Flex justify="space-between" align="center">
          <Typography.Text strong>{t.job.log}</Typography.Text>
          <Button size="small" type="text" icon={<ReloadOutlined />} onClick={() => void fineTuningActions.readLog()} data-testid="ft-job-log-refresh">
            {t.job.refreshLog}
          </Button>
        </Flex>
        <pre ref={output} style={{ maxHeight: 220, overflow: 'auto', margin: 0, padding: 12, background: '#1f2329', color: '#e6e6e6', borderRadius: 6, fontSize: 12 }} data-testid="ft-job-log">
          {log.split('\n').slice(-40).join('\n')}
        </pre>
      </Flex>
    </Card>
  );
}

export function Jobs() {
  const t = useT();
  const jobs = useFineTuningStore((s) => s.jobs);
  const open = useFineTuningStore(selectOpenJob);
  return (
    <Flex vertical gap={16}>
      <Card title={t.ft.jobs.title} data-testid="ft-jobs">
        <Table<FineTuneJobView>
          size="small"
          rowKey={(v) => v.job.id}
          pagination={false}
          dataSource={[...jobs].reverse()}
          locale={{ emptyText: t.ft.jobs.empty }}
          onRow={(v) => ({ onClick: () => void fineTuningActions.openJob(v.job.id), style: { cursor: 'pointer' }, 'data-testid': `ft-job-row-${v.job.id}` }) as object}
          columns={[
            { title: t.ft.jobs.columns.job, render: (_, v) => <Typography.Text ellipsis style={{ maxWidth: 380 }}>{`#${v.job.id} ${v.job.title}`}</Typography.Text> },
            { title: t.ft.jobs.columns.server, render: (_, v) => v.connection ?? t.ft.jobs.removedServer },
            { title: t.ft.jobs.columns.status, render: (_, v) => <Tag color={statusColor[v.job.status]}>{t.jobs.status[v.job.status]}</Tag> },
            { title: t.ft.jobs.columns.progress, render: (_, v) => t.ft.jobs.step(v.latest?.step ?? 0, v.latest?.totalSteps ?? null) },
            { title: t.ft.jobs.columns.loss, render: (_, v) => v.latest?.loss ?? '—' },
          ]}
        />
      </Card>
      {open && <JobView view={open} />}
    </Flex>
  );
}

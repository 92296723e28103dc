import { ClockCircleOutlined } from '@ant-design/icons';
import type { JobView } from '@contract';
import { Badge, Button, Empty, Flex, Popover, Progress, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useT } from '../i18n';
import { isActiveJob, jobsActions, selectActiveJobCount, selectJobs, useJobsStore } from '../stores/jobs';
import { palette, statusColor } from '../theme';

function JobRow({ job }: { job: JobView }) {
  const t = useT();
  const percent = job.total > 0 ? Math.round((job.done / job.total) * 100) : 0;
  return (
    <div style={{ padding: '10px 0', borderBottom: `1px solid ${palette.border}` }} data-testid="job-row">
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text strong ellipsis style={{ maxWidth: 220 }}>
          {t.jobs.kinds[job.kind]?.(job.title) ?? job.title}
        </Typography.Text>
        <Tag color={statusColor[job.status]}>{t.jobs.status[job.status]}</Tag>
      </Flex>
      {isActiveJob(job) && job.total > 0 && <Progress percent={percent} size="small" />}
      {(job.error ?? job.message) && (
        <Typography.Text type={job.error ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
          {job.error ?? job.message}
        </Typography.Text>
      )}
      {isActiveJob(job) && !job.cancelRequested && (
        <div>
          <Button size="small" type="link" style={{ paddingInline: 0 }} onClick={() => void jobsActions.cancel(job.id)}>
            {t.jobs.cancel}
          </Button>
        </div>
      )}
    </div>
  );
}

/** Foot of the sider: how many background tasks run, with the recent ones in a popover. */
export function JobsIndicator() {
  const t = useT();
  const jobs = useJobsStore(selectJobs);
  const active = useJobsStore(selectActiveJobCount);

  useEffect(() => {
    void jobsActions.refresh();
    return jobsActions.subscribe();
  }, []);

  const content = (
    <div style={{ width: 300, maxHeight: 360, overflowY: 'auto' }}>
      {jobs.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.jobs.empty} />
      ) : (
        jobs.slice(0, 10).map((job) => <JobRow key={job.id} job={job} />)
      )}
    </div>
  );

  return (
    <Popover content={content} title={t.jobs.title} placement="rightBottom" trigger="click">
      <button
        type="button"
        data-testid="jobs-indicator"
        style={{
          all: 'unset',
          boxSizing: 'border-box',
          cursor: 'pointer',
          display: 'flex',
          alignItems: 'center',
          gap: 10,
          width: 'calc(100% - 24px)',
          margin: '8px 12px 16px',
          padding: '10px 12px',
          borderRadius: 8,
          background: palette.layout,
        }}
      >
        <Badge count={active} size="small" color={palette.primary}>
          <ClockCircleOutlined style={{ fontSize: 16, color: palette.textSecondary }} />
        </Badge>
        <span style={{ display: 'flex', flexDirection: 'column', minWidth: 0 }}>
          <Typography.Text style={{ fontSize: 13 }}>{t.jobs.title}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {active ? t.jobs.running(active) : t.jobs.none}
          </Typography.Text>
        </span>
      </button>
    </Popover>
  );
}

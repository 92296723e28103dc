import { PauseCircleOutlined, PlayCircleOutlined, StopOutlined } from '@ant-design/icons';
import type { MeasureInfo } from '@contract';
import { Alert, Button, Flex, InputNumber, Modal, Progress, Select, Tooltip, Typography, type ButtonProps } from 'antd';
import { useEffect } from 'react';
import { useT } from '../../i18n';
import { evaluationActions, selectModelJob, selectPlan, useEvaluationStore } from '../../stores/evaluation';

// A measure a model computes (semantic, topics, WAI): pick the endpoint (and the judge's
// rounds), see the plan (calls, what is cached, cost) before anything is sent, start it,
// then follow the job: progress, pause, resume, cancel; its evaluation opens when done.

function PlanDialog() {
  const t = useT().ev.model;
  const plan = useEvaluationStore(selectPlan);
  return (
    <Modal
      open={plan !== null}
      title={t.planTitle}
      okText={t.start}
      onOk={() => void evaluationActions.startModel()}
      onCancel={() => evaluationActions.closePlan()}
      okButtonProps={{ 'data-testid': 'evaluation-start' } as ButtonProps}
    >
      {plan && (
        <ul data-testid="evaluation-plan" style={{ paddingInlineStart: 20, margin: 0, lineHeight: 1.9 }}>
          <li>{plan.unit === 'texts' ? t.planTexts(plan.total, plan.answered) : t.planQuestions(plan.total, plan.answered)}</li>
          <li>
            <b>{t.planCalls(plan.calls)}</b>, {t.planTokens(plan.promptTokens, plan.completionTokens)}
          </li>
          <li>
            <b>{t.planCost(plan.cost)}</b>
          </li>
          <li>{t.planModel(plan.model)}</li>
        </ul>
      )}
    </Modal>
  );
}

function JobRow() {
  const ev = useT().ev;
  const t = ev.model;
  const job = useEvaluationStore(selectModelJob);
  if (!job) return null;
  const percent = job.total > 0 ? Math.min(100, Math.floor((100 * job.done) / job.total)) : 0;
  const active = job.status === 'running' || job.status === 'queued';
  return (
    <Flex vertical gap={8} data-testid="evaluation-job" data-status={job.status}>
      <Flex align="center" gap={8} wrap>
        <Progress percent={percent} size="small" status={job.status === 'failed' ? 'exception' : active ? 'active' : 'normal'} style={{ flex: 1, minWidth: 200, margin: 0 }} />
        {/* A steady width: the buttons beside it do not move as the count grows. */}
        <Typography.Text type="secondary" style={{ minWidth: 96, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
          {t.progress(job.done, job.total)}
        </Typography.Text>
        {active ? (
          <Button size="small" icon={<PauseCircleOutlined />} onClick={() => void evaluationActions.pauseModel()} data-testid="evaluation-pause">
            {t.pause}
          </Button>
        ) : (
          <Button size="small" type="primary" icon={<PlayCircleOutlined />} onClick={() => void evaluationActions.resumeModel()} data-testid="evaluation-resume">
            {t.resume}
          </Button>
        )}
        <Button size="small" danger icon={<StopOutlined />} onClick={() => void evaluationActions.cancelModel()} data-testid="evaluation-cancel">
          {ev.cancel}
        </Button>
      </Flex>
      {job.status === 'paused' && <Alert type="info" showIcon message={t.paused} />}
      {job.status === 'failed' && <Alert type="error" showIcon message={t.failed(job.error ?? '')} />}
    </Flex>
  );
}

export function ModelRun({ info }: { info: MeasureInfo }) {
  const ev = useT().ev;
  const t = ev.model;
  const { endpoints, endpointId, rounds, a, modelJob } = useEvaluationStore();

  useEffect(() => evaluationActions.subscribeJobs(), []);

  return (
    <Flex vertical gap={12} style={{ width: '100%' }}>
      <Flex gap={16} align="center" wrap>
        <span>
          {info.endpoint === 'embeddings' ? t.endpointEmbeddings : t.endpointJudge}{' '}
          <Select
            style={{ width: 260 }}
            value={endpointId ?? undefined}
            placeholder={t.pickEndpoint}
            notFoundContent={t.noEndpoints}
            onChange={(v: number) => evaluationActions.setEndpoint(v)}
            options={endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }))}
            data-testid="evaluation-endpoint"
          />
        </span>
        {info.endpoint === 'judge' && (
          <Tooltip title={t.roundsHint}>
            <span data-testid="evaluation-rounds">
              {t.rounds} <InputNumber min={1} max={100} precision={0} value={rounds} onChange={(v) => evaluationActions.setRounds(v ?? 3)} style={{ width: 80 }} />
            </span>
          </Tooltip>
        )}
        <Button
          type="primary"
          icon={<PlayCircleOutlined />}
          disabled={a.runIds.length === 0 || endpointId === null || modelJob !== null}
          onClick={() => void evaluationActions.planModel()}
          data-testid="evaluation-run"
        >
          {t.plan}
        </Button>
      </Flex>
      <JobRow />
      <PlanDialog />
    </Flex>
  );
}

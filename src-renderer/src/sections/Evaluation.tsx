import { PlayCircleOutlined } from '@ant-design/icons';
import { evaluationMeasures, type EvaluationListItem } from '@contract';
import { Button, Card, Checkbox, Empty, Flex, InputNumber, List, Progress, Segmented, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { useEffect } from 'react';
import { useT } from '../i18n';
import { percent } from '../lib/job-progress';
import { evaluationActions, selectEvaluationProgress, selectEvaluationRunning, selectMeasures, selectOpenEvaluation, selectPastEvaluations, useEvaluationStore } from '../stores/evaluation';
import { DialogueWorkEmpty } from './DialogueWorkEmpty';
import { DatasetPicker } from './evaluation/DatasetPicker';
import { ModelRun } from './evaluation/ModelRun';
import { ResultView } from './evaluation/ResultView';

// Evaluation: the paper's §4 measures on datasets of dialogues. Pick dataset A (and B to
// compare), a measure, run it; every evaluation is kept and reopens without recomputing.

function NewEvaluation() {
  const t = useT().ev;
  const measures = useEvaluationStore(selectMeasures);
  const { measure, a, b, seed, runs, tags } = useEvaluationStore();
  const running = useEvaluationStore(selectEvaluationRunning);
  const progress = useEvaluationStore(selectEvaluationProgress);
  const info = measures.find((m) => m.measure === measure);
  // Every measure the schema knows, in the paper's order; those this build cannot compute yet are shown disabled.
  const available = new Set(measures.map((m) => m.measure));

  return (
    <Card title={t.newEvaluation} styles={{ body: { padding: 16 } }} data-testid="evaluation-new">
      <Flex vertical gap={14}>
        <Flex vertical gap={6}>
          <Typography.Text strong>{t.measure}</Typography.Text>
          <Segmented
            value={measure}
            onChange={(v) => evaluationActions.setMeasure(v)}
            options={evaluationMeasures.map((m) => ({ value: m, label: <span data-testid={`measure-${m}`}>{t.measures[m]}</span>, disabled: !available.has(m) }))}
          />
          <Typography.Text type="secondary">{t.measureHints[measure]}</Typography.Text>
        </Flex>
        <Flex gap={24} wrap>
          <div style={{ flex: '1 1 360px', minWidth: 0 }}>
            <DatasetPicker label={t.datasetA} value={a} runs={runs} tags={tags} onChange={(p) => evaluationActions.setDataset('a', p)} testId="dataset-a" />
          </div>
          <div style={{ flex: '1 1 360px', minWidth: 0 }}>
            {b ? (
              <Flex vertical gap={4}>
                <DatasetPicker label={t.datasetB} value={b} runs={runs} tags={tags} onChange={(p) => evaluationActions.setDataset('b', p)} testId="dataset-b" />
                <Checkbox checked onChange={() => evaluationActions.setDataset('b', null)}>
                  {t.compare}
                </Checkbox>
              </Flex>
            ) : (
              <Checkbox style={{ marginTop: 26 }} checked={false} onChange={() => evaluationActions.setDataset('b', {})} data-testid="evaluation-compare">
                {t.compare}
              </Checkbox>
            )}
          </div>
        </Flex>
        <Flex gap={12} align="center" wrap>
          {info?.seeded && (
            <Tooltip title={t.seedHint}>
              <span data-testid="evaluation-seed">
                {t.seed}{' '}
                <InputNumber min={0} precision={0} value={seed} onChange={(v) => evaluationActions.setSeed(v ?? 1)} style={{ width: 90 }} />
              </span>
            </Tooltip>
          )}
          {info?.needsModel ? (
            <ModelRun info={info} />
          ) : (
          <Button type="primary" icon={<PlayCircleOutlined />} loading={running} disabled={a.runIds.length === 0 || !available.has(measure)} onClick={() => void evaluationActions.run()} data-testid="evaluation-run">
            {running ? t.running : t.run}
          </Button>
          )}
          {running && progress && (
            <Flex align="center" gap={8} style={{ flex: 1, minWidth: 240 }} data-testid="evaluation-progress">
              <Progress percent={percent(progress)} size="small" style={{ flex: 1, margin: 0 }} />
              <Typography.Text type="secondary">{t.segmenting(progress.done, progress.total)}</Typography.Text>
              <Button size="small" onClick={() => void evaluationActions.cancel()} data-testid="evaluation-cancel">
                {t.cancel}
              </Button>
            </Flex>
          )}
        </Flex>
      </Flex>
    </Card>
  );
}

function PastEvaluations() {
  const t = useT().ev;
  const past = useEvaluationStore(selectPastEvaluations);
  const open = useEvaluationStore(selectOpenEvaluation);
  return (
    <Card title={t.past} style={{ width: 320, flexShrink: 0 }} styles={{ body: { padding: 8 } }} data-testid="evaluation-past">
      {past.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noPast} />
      ) : (
        <List<EvaluationListItem>
          dataSource={past}
          renderItem={(e) => (
            <List.Item
              onClick={() => void evaluationActions.open(e.id)}
              style={{ cursor: 'pointer', padding: '8px 10px', borderRadius: 6, background: open?.id === e.id ? '#e7f1ef' : undefined }}
              data-testid="evaluation-past-item"
              data-evaluation-id={e.id}
            >
              <Flex vertical style={{ minWidth: 0, width: '100%' }}>
                <Flex justify="space-between" gap={6}>
                  <Typography.Text strong ellipsis>
                    {t.measures[e.measure]}
                  </Typography.Text>
                  <Typography.Text type="secondary">#{e.id}</Typography.Text>
                </Flex>
                <Typography.Text ellipsis>{e.title}</Typography.Text>
                <Flex justify="space-between">
                  <Tag style={{ marginInlineEnd: 0 }}>{e.sizes.b === null ? t.sessions(e.sizes.a) : t.sessionsAB(e.sizes.a, e.sizes.b)}</Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {e.createdAt.replace('T', ' ').slice(0, 16)}
                  </Typography.Text>
                </Flex>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

export function Evaluation() {
  const t = useT().ev;
  const status = useEvaluationStore((s) => s.status);
  const runs = useEvaluationStore((s) => s.runs);
  const open = useEvaluationStore(selectOpenEvaluation);
  const hasPast = useEvaluationStore((s) => s.past.length > 0);

  useEffect(() => {
    void evaluationActions.load();
  }, []);

  if (status !== 'ready') return <Skeleton active />;
  // Nothing to evaluate yet: what the section is for, and where dialogues come from.
  if (runs.length === 0) return <DialogueWorkEmpty section="evaluation" />;

  return (
    <Flex vertical gap={16} data-testid="evaluation-section">
      <NewEvaluation />
      <Flex gap={16} align="start">
        <PastEvaluations />
        <Card style={{ flex: 1, minWidth: 0 }} styles={{ body: { padding: '16px 20px' } }}>
          {open ? <ResultView evaluation={open} /> : <Empty description={hasPast ? t.pickPast : t.noPast} />}
        </Card>
      </Flex>
    </Flex>
  );
}

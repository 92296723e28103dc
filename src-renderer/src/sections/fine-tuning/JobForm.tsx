import { CloudUploadOutlined, EyeOutlined } from '@ant-design/icons';
import type { FineTunePreview } from '@contract';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, InputNumber, Progress, Radio, Select, Tabs, Typography } from 'antd';
import { useT } from '../../i18n';
import { fineTuningActions, formKeys, OTHER_MODEL, useFineTuningStore, type FormKey } from './store';

// A training job from runs: server, runs, base model (a preset, or any model with its
// template), GPUs, the sample mode explained, the hyper-parameters with the paper's
// defaults; Preview asks main for the statistics and the exact files; Submit uploads them
// with a progress bar.

const schedules = ['cosine', 'linear', 'constant', 'constant_with_warmup', 'cosine_with_restarts', 'polynomial'];

function PreviewPanel({ preview }: { preview: FineTunePreview }) {
  const t = useT().ft.preview;
  const s = preview.statistics;
  const shape = (Object.keys(t.shape) as (keyof typeof t.shape)[]).filter((k) => k !== 'none' && s.shape[k as keyof typeof s.shape] > 0);
  return (
    <Flex vertical gap={12} data-testid="ft-preview">
      <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} title={t.title}>
        <Descriptions.Item label={t.samples}>
          <span data-testid="ft-preview-samples">{s.samples}</span> ({t.sessions(s.sessionsUsed, s.sessions)})
        </Descriptions.Item>
        <Descriptions.Item label={t.turns}>{s.counselorTurns}</Descriptions.Item>
        <Descriptions.Item label={t.tokens}>
          ≈ {s.tokens} ({t.trained(s.trainedTokens)})
        </Descriptions.Item>
        <Descriptions.Item label={t.longest}>{s.longest ? t.longestValue(s.longest.tokens, s.cutoffLen, s.overCutoff) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t.steps}>{t.stepsValue(preview.steps, preview.effectiveBatch)}</Descriptions.Item>
        <Descriptions.Item label={t.shaped}>{shape.length === 0 ? t.shape.none : shape.map((k) => (t.shape[k] as (n: number) => string)(s.shape[k as keyof typeof s.shape])).join('; ')}</Descriptions.Item>
      </Descriptions>
      {preview.warnings.length > 0 && <Alert type="warning" showIcon message={t.warnings} description={preview.warnings.join(' ')} />}
      <Tabs
        size="small"
        items={Object.entries(preview.files).map(([name, text]) => ({
          key: name,
          label: name,
          children: (
            <pre style={{ maxHeight: 320, overflow: 'auto', margin: 0, padding: 12, background: '#f6f7f9', borderRadius: 6, fontSize: 12 }} data-testid={`ft-file-${name}`}>
              {text}
            </pre>
          ),
        }))}
      />
    </Flex>
  );
}

export function JobForm() {
  const t = useT().ft.form;
  const { profiles, runs, options, draft, preview, previewing, submitting, upload } = useFineTuningStore();
  const other = draft.base === OTHER_MODEL;
  const value = (key: FormKey) => draft.hyper[key] ?? (key === 'cutoff_len' ? options?.cutoffLen : (options?.defaults[key] as string | number | undefined));
  const ready = draft.profileId !== null && draft.runIds.length > 0 && (!other || draft.modelPath.trim() !== '');

  return (
    <Card title={t.title} data-testid="ft-form">
      <Form layout="vertical">
        <Flex gap={16} wrap>
          <Form.Item label={t.connection} style={{ flex: '1 1 220px' }}>
            <Select
              value={draft.profileId ?? undefined}
              placeholder={t.pickConnection}
              onChange={(profileId: number) => fineTuningActions.setDraft({ profileId })}
              options={profiles.map((p) => ({ value: p.id, label: p.name }))}
              data-testid="ft-connection"
            />
          </Form.Item>
          <Form.Item label={t.runs} style={{ flex: '2 1 360px' }}>
            <Select
              mode="multiple"
              value={draft.runIds}
              placeholder={t.pickRuns}
              onChange={(runIds: number[]) => fineTuningActions.setDraft({ runIds })}
              options={runs.map((r) => ({ value: r.id, label: t.run(r.id, r.title, r.completed) }))}
              optionFilterProp="label"
              data-testid="ft-runs"
            />
          </Form.Item>
        </Flex>
        <Flex gap={16} wrap>
          <Form.Item label={t.base} style={{ flex: '1 1 260px' }}>
            <Select
              value={draft.base}
              onChange={(base: string) => fineTuningActions.setDraft({ base })}
              options={[...(options?.presets ?? []).map((p) => ({ value: p.name, label: `${p.label} (${p.template})` })), { value: OTHER_MODEL, label: t.otherModel }]}
              data-testid="ft-base"
            />
          </Form.Item>
          {other && (
            <>
              <Form.Item label={t.modelPath} style={{ flex: '2 1 260px' }}>
                <Input value={draft.modelPath} onChange={(e) => fineTuningActions.setDraft({ modelPath: e.target.value })} placeholder="/data/models/Qwen2-7B-Instruct" data-testid="ft-model-path" />
              </Form.Item>
              <Form.Item label={t.template} style={{ flex: '1 1 160px' }}>
                <Select showSearch value={draft.template || undefined} onChange={(template: string) => fineTuningActions.setDraft({ template })} options={(options?.templates ?? []).map((x) => ({ value: x, label: x }))} data-testid="ft-template" />
              </Form.Item>
            </>
          )}
          <Form.Item label={t.gpus} style={{ flex: '0 0 110px' }}>
            <InputNumber min={1} max={64} value={draft.gpus} onChange={(gpus) => fineTuningActions.setDraft({ gpus: gpus ?? 1 })} style={{ width: '100%' }} data-testid="ft-gpus" />
          </Form.Item>
        </Flex>
        <Form.Item label={t.mode} extra={t.modeHints[draft.mode]}>
          <Radio.Group
            value={draft.mode}
            onChange={(e) => fineTuningActions.setDraft({ mode: e.target.value as 'prefix' | 'session' })}
            options={(['prefix', 'session'] as const).map((m) => ({ value: m, label: <span data-testid={`ft-mode-${m}`}>{t.modes[m]}</span> }))}
          />
        </Form.Item>
        <Typography.Text strong>{t.hyper}</Typography.Text>
        <Flex gap={12} wrap style={{ marginTop: 8 }}>
          {formKeys.map((key) => (
            <Form.Item key={key} label={t.keys[key]} style={{ flex: '1 1 150px', marginBottom: 8 }}>
              {key === 'lr_scheduler_type' ? (
                <Select value={value(key) as string | undefined} onChange={(v: string) => fineTuningActions.setHyper(key, v)} options={schedules.map((x) => ({ value: x, label: x }))} data-testid={`ft-hyper-${key}`} />
              ) : (
                <InputNumber
                  value={value(key) as number | undefined}
                  min={0}
                  step={key === 'learning_rate' ? 1e-6 : key === 'val_size' ? 0.001 : 1}
                  stringMode={key === 'learning_rate'}
                  onChange={(v) => fineTuningActions.setHyper(key, v)}
                  style={{ width: '100%' }}
                  data-testid={`ft-hyper-${key}`}
                />
              )}
            </Form.Item>
          ))}
        </Flex>
      </Form>
      <Flex gap={12} align="center" wrap style={{ marginTop: 8 }}>
        <Button icon={<EyeOutlined />} loading={previewing} disabled={draft.runIds.length === 0} onClick={() => void fineTuningActions.previewJob()} data-testid="ft-preview-button">
          {t.preview}
        </Button>
        <Button type="primary" icon={<CloudUploadOutlined />} loading={submitting} disabled={!ready || preview === null} onClick={() => void fineTuningActions.submit()} data-testid="ft-submit">
          {t.submit}
        </Button>
        {submitting && upload && (
          <Flex align="center" gap={8} style={{ flex: 1, minWidth: 260 }} data-testid="ft-upload">
            <Typography.Text type="secondary">{t.uploading(upload.file)}</Typography.Text>
            <Progress percent={upload.total > 0 ? Math.floor((100 * upload.sent) / upload.total) : 0} size="small" style={{ flex: 1, margin: 0 }} />
          </Flex>
        )}
      </Flex>
      {preview && (
        <div style={{ marginTop: 16 }}>
          <PreviewPanel preview={preview} />
        </div>
      )}
    </Card>
  );
}

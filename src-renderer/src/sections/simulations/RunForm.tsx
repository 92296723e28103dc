import type { RunStartInput } from '@contract';
import { Button, Col, Divider, Drawer, Flex, Form, Input, InputNumber, Radio, Row, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { call, compact } from '../../lib/call';
import { notifyError } from '../../lib/feedback';
import { selectEndpoints, useEndpointsStore } from '../../stores/endpoints';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { simulationsActions } from '../../stores/simulations';

// "New run": the two agents (endpoint, sampling, template), which cards, and how the run is paced.

interface FormValues {
  title?: string;
  language: 'zh' | 'en';
  clientEndpoint?: number;
  clientTemperature?: number | null;
  clientTopP?: number | null;
  clientMaxTokens?: number | null;
  counselorEndpoint?: number;
  counselorTemplate: 'default' | 'released';
  counselorTemperature?: number | null;
  counselorTopP?: number | null;
  counselorMaxTokens?: number | null;
  split: 'any' | 'pool' | 'test';
  tags: string[];
  sample?: number | null;
  repeat: number;
  concurrency: number;
  maxTurns: number;
  rpm?: number | null;
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v);

export function toStartInput(v: FormValues): RunStartInput {
  const cards = compact({
    split: v.split === 'any' ? undefined : v.split,
    tags: v.tags.length ? v.tags : undefined,
    sample: num(v.sample),
  });
  const endpoints = [...new Set([v.clientEndpoint!, v.counselorEndpoint!])];
  return compact({
    title: v.title?.trim() || undefined,
    language: v.language,
    cards: Object.keys(cards).length ? cards : undefined,
    repeat: v.repeat,
    concurrency: v.concurrency,
    maxTurns: v.maxTurns,
    client: compact({ endpointId: v.clientEndpoint!, temperature: num(v.clientTemperature), topP: num(v.clientTopP), maxTokens: num(v.clientMaxTokens) }),
    counselor: compact({
      endpointId: v.counselorEndpoint!,
      templateName: v.counselorTemplate,
      temperature: num(v.counselorTemperature),
      topP: num(v.counselorTopP),
      maxTokens: num(v.counselorMaxTokens),
    }),
    rateLimits: v.rpm ? endpoints.map((endpointId) => ({ endpointId, rpm: v.rpm! })) : undefined,
  }) as RunStartInput;
}

function AgentFields({ agent, withTemplate, releasedAvailable }: { agent: 'client' | 'counselor'; withTemplate?: boolean; releasedAvailable?: boolean }) {
  const t = useT().sim.form;
  const endpoints = useEndpointsStore(selectEndpoints);
  return (
    <>
      <Form.Item name={`${agent}Endpoint`} label={t.endpoint} rules={[{ required: true, message: t.endpointRequired }]}>
        <Select
          data-testid={`run-${agent}-endpoint`}
          placeholder={t.endpointPlaceholder}
          options={endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }))}
        />
      </Form.Item>
      {withTemplate && (
        <Form.Item name="counselorTemplate" label={t.template} extra={releasedAvailable ? t.templateHelp : t.releasedZhOnly}>
          <Radio.Group optionType="button">
            <Radio.Button value="default">{t.templateDefault}</Radio.Button>
            <Radio.Button value="released" disabled={!releasedAvailable}>
              {t.templateReleased}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
      )}
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name={`${agent}Temperature`} label={t.temperature}>
            <InputNumber min={0} max={2} step={0.1} placeholder={t.endpointDefault} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={`${agent}TopP`} label={t.topP}>
            <InputNumber min={0.01} max={1} step={0.05} placeholder={t.endpointDefault} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={`${agent}MaxTokens`} label={t.maxTokens}>
            <InputNumber min={1} max={1_000_000} precision={0} placeholder={t.endpointDefault} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

export function RunForm({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().sim.form;
  const locale = useSettingsStore(selectLocale);
  const endpoints = useEndpointsStore(selectEndpoints);
  const [form] = Form.useForm<FormValues>();
  const language = Form.useWatch('language', form) ?? locale;
  const [cardTags, setCardTags] = useState<{ tag: string; count: number }[]>([]);
  const [releasedAvailable, setReleasedAvailable] = useState(false);
  const [saving, setSaving] = useState(false);
  const split = Form.useWatch('split', form);
  const tags = Form.useWatch('tags', form);
  const sample = Form.useWatch('sample', form);
  const repeat = Form.useWatch('repeat', form) ?? 1;
  const [matching, setMatching] = useState<number | null>(null);

  // How many cards the selection matches, so the size of the run is clear before it starts.
  useEffect(() => {
    if (!open) return;
    let alive = true;
    const timer = setTimeout(() => {
      void call(() =>
        window.api.cards.list(
          compact({ language, split: split && split !== 'any' ? split : undefined, tags: tags?.length ? tags : undefined, limit: 1, offset: 0, sort: 'id' as const, order: 'asc' as const }),
        ),
      ).then((r) => alive && setMatching(r.ok ? r.value.total : null));
    }, 200);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [open, language, split, tags]);
  const cardCount = matching === null ? null : sample ? Math.min(sample, matching) : matching;

  useEffect(() => {
    if (!open) return;
    void call(() => window.api.cards.tags({})).then((r) => r.ok && setCardTags(r.value));
  }, [open]);

  useEffect(() => {
    if (!open) return;
    void simulationsActions.loadDefaults(language).then((d) => {
      if (!d) return;
      setReleasedAvailable(d.templates.counselor.released !== null);
      if (!form.isFieldTouched('maxTurns')) form.setFieldValue('maxTurns', d.maxTurns);
      if (!form.isFieldTouched('concurrency')) form.setFieldValue('concurrency', d.concurrency);
      if (d.templates.counselor.released === null) form.setFieldValue('counselorTemplate', 'default');
    });
  }, [open, language, form]);

  const submit = async (values: FormValues) => {
    setSaving(true);
    const result = await simulationsActions.start(toStartInput(values));
    setSaving(false);
    if (result.ok) onClose();
    else notifyError(t.startFailed, result.error);
  };

  const first = endpoints[0]?.id;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={560}
      title={t.title}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t.cancel}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="run-form-start">
            {t.start}
          </Button>
        </Flex>
      }
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        name="run"
        data-testid="run-form"
        onFinish={(v) => void submit(v)}
        initialValues={{
          language: locale,
          clientEndpoint: first,
          counselorEndpoint: endpoints[1]?.id ?? first,
          counselorTemplate: 'default',
          split: 'any',
          tags: [],
          repeat: 1,
          concurrency: 8,
          maxTurns: 50,
        }}
      >
        <Row gutter={12}>
          <Col span={16}>
            <Form.Item name="title" label={t.runTitle}>
              <Input placeholder={t.runTitlePlaceholder} maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="language" label={t.language} tooltip={t.languageHelp}>
              <Radio.Group optionType="button">
                <Radio.Button value="zh">中文</Radio.Button>
                <Radio.Button value="en">English</Radio.Button>
              </Radio.Group>
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain style={{ marginTop: 4 }}>
          <Typography.Text strong>{t.clientAgent}</Typography.Text>
        </Divider>
        <AgentFields agent="client" />
        <Divider titlePlacement="start" plain>
          <Typography.Text strong>{t.counselorAgent}</Typography.Text>
        </Divider>
        <AgentFields agent="counselor" withTemplate releasedAvailable={releasedAvailable} />

        <Divider titlePlacement="start" plain>
          <Typography.Text strong>{t.cards}</Typography.Text>
        </Divider>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="split" label={t.split}>
              <Select
                data-testid="run-split"
                options={[
                  { value: 'any', label: t.splitAny },
                  { value: 'pool', label: t.splitPool },
                  { value: 'test', label: t.splitTest },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="tags" label={t.tags}>
              <Select mode="multiple" allowClear placeholder={t.tagsPlaceholder} options={cardTags.map((x) => ({ value: x.tag, label: `${x.tag} (${x.count})` }))} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="sample" label={t.sample} tooltip={t.sampleHelp}>
              <InputNumber min={1} precision={0} placeholder={t.sampleAll} style={{ width: '100%' }} data-testid="run-sample" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="repeat" label={t.repeat} tooltip={t.repeatHelp}>
              <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} data-testid="run-repeat" />
            </Form.Item>
          </Col>
        </Row>

        {cardCount !== null && (
          <Typography.Paragraph type={cardCount === 0 ? 'danger' : 'secondary'} style={{ marginTop: -8 }} data-testid="run-size">
            {cardCount === 0 ? t.noCards : t.size(cardCount, repeat || 1, cardCount * (repeat || 1))}
          </Typography.Paragraph>
        )}

        <Divider titlePlacement="start" plain>
          <Typography.Text strong>{t.pacing}</Typography.Text>
        </Divider>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="maxTurns" label={t.maxTurns} tooltip={t.maxTurnsHelp}>
              <InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} data-testid="run-max-turns" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="concurrency" label={t.concurrency} tooltip={t.concurrencyHelp}>
              <InputNumber min={1} max={256} precision={0} style={{ width: '100%' }} data-testid="run-concurrency" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="rpm" label={t.rpm} tooltip={t.rpmHelp}>
              <InputNumber min={1} precision={0} placeholder={t.unlimited} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}

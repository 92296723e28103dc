import type { ArenaLiveOverview, ArenaLiveState, RoleCardSummary } from '@contract';
import { Button, Form, Input, InputNumber, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { call } from '../../lib/call';
import { notifyError } from '../../lib/feedback';
import { selectEndpoints, useEndpointsStore } from '../../stores/endpoints';

// Starting a live session: the two counselors, the card, the model that plays the client, and
// who judges (remembered on this computer, since it is usually the same person).

interface FormValues {
  a?: string;
  b?: string;
  cardId?: number;
  clientEndpoint?: number;
  annotator?: string;
  maxTurns: number;
}

const ANNOTATOR_KEY = 'simpsy.arenaLive.annotator';

export function HumanLiveForm({ counselors, onStarted }: { counselors: ArenaLiveOverview['counselors']; onStarted: (state: ArenaLiveState) => void }) {
  const t = useT().live;
  const endpoints = useEndpointsStore(selectEndpoints);
  const [form] = Form.useForm<FormValues>();
  const [cards, setCards] = useState<RoleCardSummary[]>([]);
  const [query, setQuery] = useState('');
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      const result = await call(() => window.api.cards.list({ ...(query.trim() ? { query: query.trim(), sort: 'relevance' as const } : {}), limit: 50 }));
      if (!stale && result.ok) setCards(result.value.items);
    }, 150);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query]);

  const submit = async (v: FormValues) => {
    setStarting(true);
    localStorage.setItem(ANNOTATOR_KEY, v.annotator!.trim());
    const result = await call(() =>
      window.api.arenaLive.start({ counselors: [v.a!, v.b!], cardId: v.cardId!, client: { endpointId: v.clientEndpoint! }, annotator: v.annotator!.trim(), maxTurns: v.maxTurns }),
    );
    setStarting(false);
    if (result.ok) onStarted(result.value);
    else notifyError(t.errors.start, result.error);
  };

  const counselorOptions = counselors.map((c) => ({ value: c.name, label: c.model ? `${c.name} · ${c.model}` : c.name }));
  const required = [{ required: true, message: t.required }];
  return (
    <Form
      form={form}
      layout="vertical"
      data-testid="live-form"
      initialValues={{ maxTurns: 10, annotator: localStorage.getItem(ANNOTATOR_KEY) ?? '', clientEndpoint: endpoints[0]?.id }}
      onFinish={(v) => void submit(v)}
      style={{ maxWidth: 640 }}
    >
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 16 }}>
        <Form.Item name="a" label={t.counselorA} rules={required}>
          <Select data-testid="live-counselor-a" placeholder={t.counselorPlaceholder} options={counselorOptions} />
        </Form.Item>
        <Form.Item
          name="b"
          label={t.counselorB}
          dependencies={['a']}
          rules={[...required, ({ getFieldValue }) => ({ validator: (_, value) => (value && value === getFieldValue('a') ? Promise.reject(new Error(t.sameCounselor)) : Promise.resolve()) })]}
        >
          <Select data-testid="live-counselor-b" placeholder={t.counselorPlaceholder} options={counselorOptions} />
        </Form.Item>
      </div>
      <Form.Item name="cardId" label={t.card} rules={required}>
        <Select
          data-testid="live-card"
          showSearch={{ filterOption: false, onSearch: setQuery }}
          placeholder={t.cardPlaceholder}
          options={cards.map((c) => ({ value: c.id, label: `#${c.id} · ${c.occupation} · ${c.complaintPreview.slice(0, 40)}` }))}
        />
      </Form.Item>
      <div style={{ display: 'grid', gridTemplateColumns: '2fr 1fr', gap: 16 }}>
        <Form.Item name="clientEndpoint" label={t.clientEndpoint} rules={required}>
          <Select data-testid="live-client" placeholder={t.clientPlaceholder} options={endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }))} />
        </Form.Item>
        <Form.Item name="maxTurns" label={t.maxTurns}>
          <InputNumber data-testid="live-max-turns" min={1} max={100} style={{ width: '100%' }} />
        </Form.Item>
      </div>
      <Form.Item name="annotator" label={t.annotator} rules={[{ required: true, whitespace: true, message: t.required }]}>
        <Input data-testid="live-annotator" placeholder={t.annotatorPlaceholder} maxLength={64} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={starting} data-testid="live-start">
        {t.start}
      </Button>
    </Form>
  );
}

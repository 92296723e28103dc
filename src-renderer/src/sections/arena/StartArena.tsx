import type { ArenaPlan, ArenaStartRequest } from '@contract';
import { Alert, Button, Checkbox, Drawer, Flex, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { compact } from '../../lib/call';
import { arenaActions, selectCounselors, useArenaStore } from '../../stores/arena';
import { selectEndpoints, useEndpointsStore } from '../../stores/endpoints';
import { selectLocale, useSettingsStore } from '../../stores/settings';

// "New arena": which counselors, who plays the client and the judge, which cards, how pairs
// are scheduled. The plan (sessions per pair, the most calls, tokens and cost) is shown
// before anything starts; the arena starts from the plan.

interface FormValues {
  counselors: string[];
  client?: number;
  judge?: number;
  judgeModel?: string;
  prompt: 1 | 2;
  swapCheck: boolean;
  cards: 'test' | 'pool' | 'all';
  limit?: number | null;
  pairing: 'round-robin' | 'all' | 'random';
  maxTurns: number;
  concurrency: number;
  language: 'zh' | 'en';
  seed: number;
}

function toRequest(v: FormValues): ArenaStartRequest {
  const cards = compact({ split: v.cards === 'all' ? undefined : v.cards, limit: v.limit ?? undefined });
  return compact({
    language: v.language,
    counselors: v.counselors,
    client: { endpointId: v.client! },
    judge: compact({ endpointId: v.judge!, model: v.judgeModel?.trim() || undefined }),
    prompt: v.prompt,
    swapCheck: v.swapCheck || undefined,
    // Always sent: left out, main would take the held-out test split.
    cards,
    pairing: v.pairing,
    maxTurns: v.maxTurns,
    concurrency: v.concurrency,
    seed: v.seed,
  }) as ArenaStartRequest;
}

function PlanView({ plan }: { plan: ArenaPlan }) {
  const t = useT().arena.start;
  return (
    <Alert
      type="info"
      data-testid="arena-plan"
      message={<Typography.Text strong>{t.planTitle}</Typography.Text>}
      description={
        <Flex vertical gap={4}>
          <span>{t.planSessions(plan.sessions, plan.cards)}</span>
          <span>{plan.pairs.map((p) => t.pair(p.a, p.b, p.sessions)).join(' · ')}</span>
          <span>{t.planCalls(plan.maxCalls.total, plan.maxCalls.counselor, plan.maxCalls.judge, plan.maxCalls.client)}</span>
          <span>{t.planTokens(plan.promptTokens + plan.completionTokens)}</span>
          <Typography.Text strong>{plan.maxCost === null ? t.planNoPrices : t.planCost(plan.maxCost < 0.01 ? plan.maxCost.toFixed(4) : plan.maxCost.toFixed(2))}</Typography.Text>
          {plan.maxCost !== null && plan.unpriced.length > 0 && <span>{t.planUnpriced(plan.unpriced.join(', '))}</span>}
        </Flex>
      }
    />
  );
}

export function StartArena({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().arena.start;
  const pairings = useT().arena.summary.pairing;
  const endpoints = useEndpointsStore(selectEndpoints);
  const counselors = useArenaStore(selectCounselors);
  const locale = useSettingsStore(selectLocale);
  const [form] = Form.useForm<FormValues>();
  const [plan, setPlan] = useState<{ plan: ArenaPlan; request: ArenaStartRequest } | null>(null);
  const [busy, setBusy] = useState(false);

  const showPlan = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    const request = toRequest(values);
    const result = await arenaActions.plan(request);
    setBusy(false);
    setPlan(result && { plan: result, request });
  };

  const start = async () => {
    if (!plan) return;
    setBusy(true);
    const ok = await arenaActions.start(plan.request);
    setBusy(false);
    if (ok) {
      setPlan(null);
      onClose();
    }
  };

  const endpointOptions = endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }));
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t.title}
      size="large"
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={() => void showPlan()} loading={busy && !plan} data-testid="arena-plan-button">
            {t.plan}
          </Button>
          <Button type="primary" disabled={!plan} loading={busy && !!plan} onClick={() => void start()} data-testid="arena-start">
            {t.start}
          </Button>
        </Flex>
      }
    >
      <Form
        form={form}
        layout="vertical"
        onValuesChange={() => setPlan(null)}
        initialValues={{ counselors: [], client: endpoints[0]?.id, judge: endpoints[0]?.id, prompt: 2, swapCheck: false, cards: 'test', pairing: 'round-robin', maxTurns: 20, concurrency: 8, language: locale, seed: 0 }}
      >
        <Form.Item name="counselors" label={t.counselors} rules={[{ type: 'array', min: 2, required: true, message: t.needTwo }]}>
          <Select mode="multiple" data-testid="arena-counselors" options={counselors.map((c) => ({ value: c.name, label: `${c.name} · ${c.model}` }))} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="client" label={t.client} rules={[{ required: true }]}>
            <Select style={{ width: 240 }} data-testid="arena-client" options={endpointOptions} />
          </Form.Item>
          <Form.Item name="judge" label={t.judge} rules={[{ required: true }]}>
            <Select style={{ width: 240 }} data-testid="arena-judge" options={endpointOptions} />
          </Form.Item>
          <Form.Item name="judgeModel" label={t.judgeModel}>
            <Input style={{ width: 200 }} maxLength={200} placeholder={t.judgeModelHint} data-testid="arena-judge-model" />
          </Form.Item>
        </Space>
        <Form.Item name="prompt" label={t.prompt}>
          <Radio.Group optionType="button">
            <Radio.Button value={1}>{t.prompt1}</Radio.Button>
            <Radio.Button value={2}>{t.prompt2}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="swapCheck" valuePropName="checked">
          <Checkbox data-testid="arena-swap-check">{t.swapCheck}</Checkbox>
        </Form.Item>
        <Space size="large" wrap align="start">
          <Form.Item name="cards" label={t.cards}>
            <Radio.Group optionType="button" data-testid="arena-cards">
              <Radio.Button value="test">{t.cardsTest}</Radio.Button>
              <Radio.Button value="pool">{t.cardsPool}</Radio.Button>
              <Radio.Button value="all">{t.cardsAll}</Radio.Button>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="limit" label={t.limit}>
            <InputNumber min={1} max={100_000} suffix={t.limitHint} data-testid="arena-limit" />
          </Form.Item>
        </Space>
        <Space size="large" wrap>
          <Form.Item name="pairing" label={t.pairing}>
            <Select
              style={{ width: 200 }}
              data-testid="arena-pairing"
              options={(['round-robin', 'all', 'random'] as const).map((p) => ({ value: p, label: pairings[p] }))}
            />
          </Form.Item>
          <Form.Item name="maxTurns" label={t.maxTurns}>
            <InputNumber min={1} max={1000} data-testid="arena-max-turns" />
          </Form.Item>
          <Form.Item name="concurrency" label={t.concurrency}>
            <InputNumber min={1} max={256} />
          </Form.Item>
          <Form.Item name="seed" label={t.seed}>
            <InputNumber min={0} max={2 ** 31 - 1} />
          </Form.Item>
          <Form.Item name="language" label={t.language}>
            <Radio.Group optionType="button">
              <Radio.Button value="zh">中文</Radio.Button>
              <Radio.Button value="en">English</Radio.Button>
            </Radio.Group>
          </Form.Item>
        </Space>
      </Form>
      {plan && <PlanView plan={plan.plan} />}
    </Drawer>
  );
}

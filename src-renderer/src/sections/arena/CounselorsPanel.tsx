import { DeleteOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import type { CounselorView } from '@contract';
import { Button, Card, Empty, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { arenaActions, selectCounselors, selectPresets, useArenaStore } from '../../stores/arena';
import { selectEndpoints, useEndpointsStore } from '../../stores/endpoints';

// The counselors that compete: a name for an endpoint, a model, a prompt and sampling
// settings. A preset (the paper's Table 3) fills temperature and top_p.

interface FormValues {
  name: string;
  endpointId: number;
  model?: string;
  promptName: 'default' | 'released';
  preset?: string;
  temperature?: number | null;
  topP?: number | null;
}

export function AddCounselor({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().arena.counselors;
  const endpoints = useEndpointsStore(selectEndpoints);
  const presets = useArenaStore(selectPresets);
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);

  const choosePreset = (name: string | undefined) => {
    const preset = presets.find((p) => p.name === name);
    if (!preset) return;
    form.setFieldsValue({ temperature: preset.temperature, topP: preset.topP, ...(form.getFieldValue('name') ? {} : { name: preset.name }) });
  };

  const submit = async (v: FormValues) => {
    setSaving(true);
    const ok = await arenaActions.addCounselor({
      name: v.name.trim(),
      endpointId: v.endpointId,
      model: v.model?.trim() || undefined,
      promptName: v.promptName,
      preset: v.preset,
      temperature: v.temperature ?? undefined,
      topP: v.topP ?? undefined,
    });
    setSaving(false);
    if (ok) {
      form.resetFields();
      onClose();
    }
  };

  return (
    <Modal open={open} title={t.add} onCancel={onClose} onOk={() => form.submit()} okText={t.add} confirmLoading={saving} okButtonProps={{ ...({ 'data-testid': 'counselor-save' } as object) }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ promptName: 'default', endpointId: endpoints[0]?.id }} onFinish={(v) => void submit(v)}>
        <Form.Item name="preset" label={t.preset} extra={t.presetHint}>
          <Select allowClear data-testid="counselor-preset" onChange={choosePreset} options={presets.map((p) => ({ value: p.name, label: `${p.name} · ${p.temperature} / ${p.topP}` }))} />
        </Form.Item>
        <Form.Item name="name" label={t.name} rules={[{ required: true, whitespace: true, message: t.nameRequired }]}>
          <Input data-testid="counselor-name" maxLength={100} />
        </Form.Item>
        <Form.Item name="endpointId" label={t.endpoint} rules={[{ required: true, message: t.endpointRequired }]}>
          <Select data-testid="counselor-endpoint" options={endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }))} />
        </Form.Item>
        <Form.Item name="model" label={t.model} extra={t.modelHint}>
          <Input data-testid="counselor-model" maxLength={200} />
        </Form.Item>
        <Form.Item name="promptName" label={t.prompt}>
          <Radio.Group optionType="button">
            <Radio.Button value="default">{t.prompts.default}</Radio.Button>
            <Radio.Button value="released">{t.prompts.released}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Space size="large">
          <Form.Item name="temperature" label={t.temperature}>
            <InputNumber min={0} max={2} step={0.05} placeholder={t.inherited} data-testid="counselor-temperature" />
          </Form.Item>
          <Form.Item name="topP" label={t.topP}>
            <InputNumber min={0.01} max={1} step={0.05} placeholder={t.inherited} data-testid="counselor-top-p" />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

export function CounselorsPanel() {
  const t = useT().arena.counselors;
  const counselors = useArenaStore(selectCounselors);
  const [adding, setAdding] = useState(false);
  const shown = (v: number | null) => (v === null ? <Tag>{t.inherited}</Tag> : v);

  const columns: TableColumnsType<CounselorView> = [
    { title: t.name, dataIndex: 'name', render: (name: string, c) => (<Space>{name}{c.preset && <Tag color="blue">{c.preset}</Tag>}</Space>) },
    { title: t.endpoint, dataIndex: 'endpointName' },
    { title: t.model, dataIndex: 'model' },
    { title: t.prompt, dataIndex: 'promptName', render: (p: CounselorView['promptName']) => t.prompts[p] },
    { title: t.temperature, dataIndex: 'temperature', render: shown },
    { title: t.topP, dataIndex: 'topP', render: shown },
    {
      key: 'remove',
      width: 60,
      render: (_, c) => (
        <Popconfirm title={t.removeConfirm(c.name)} okButtonProps={{ danger: true }} onConfirm={() => void arenaActions.removeCounselor(c.name)}>
          <Button type="text" danger size="small" icon={<DeleteOutlined />} aria-label={t.remove} />
        </Popconfirm>
      ),
    },
  ];

  return (
    <Card
      title={
        <Space>
          <TeamOutlined />
          {t.title}
        </Space>
      }
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="counselor-add">
          {t.add}
        </Button>
      }
      data-testid="counselors-card"
    >
      {counselors.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.empty} />
      ) : (
        <Table rowKey="id" size="small" columns={columns} dataSource={counselors} pagination={false} data-testid="counselors-table" />
      )}
      <AddCounselor open={adding} onClose={() => setAdding(false)} />
    </Card>
  );
}

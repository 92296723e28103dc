import { ApiOutlined, DeleteOutlined, PlusOutlined, SafetyCertificateOutlined, WarningOutlined } from '@ant-design/icons';
import type { SshProfileCreateInput, SshProfileView, SshTestReport } from '@contract';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, InputNumber, Modal, Popconfirm, Radio, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { call } from '../../lib/call';
import { fineTuningActions, useFineTuningStore } from './store';

// GPU servers: the list with Test, the form adding one, the host-key prompt (first use:
// the fingerprint to check and accept; changed: refused, with both fingerprints) and what
// the last Test found.

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

function AddServer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().ft.connections;
  const [form] = Form.useForm<SshProfileCreateInput & { passphrase?: string }>();
  const auth = Form.useWatch('auth', form);
  const [saving, setSaving] = useState(false);
  const chooseKey = async () => {
    const picked = await call(() => window.api.files.choose({ mode: 'open-file', title: t.form.keyFile }));
    if (picked.ok && picked.value.path) form.setFieldValue('keyFile', picked.value.path);
  };
  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    const ok = await fineTuningActions.addProfile({
      name: v.name,
      host: v.host,
      port: v.port ?? 22,
      user: v.user,
      auth: v.auth,
      ...(v.auth === 'key' ? { keyFile: v.keyFile } : {}),
      ...(v.auth === 'key' && v.passphrase ? { passphrase: v.passphrase } : {}),
      ...(v.workdir ? { workdir: v.workdir } : {}),
      ...(v.setup ? { setup: v.setup } : {}),
    });
    setSaving(false);
    if (ok) {
      form.resetFields();
      onClose();
    }
  };
  return (
    <Modal
      open={open}
      title={t.form.title}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t.form.save}
      cancelText={t.form.cancel}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'ssh-save' } as Record<string, string>}
      destroyOnHidden
      width={620}
    >
      <Form form={form} layout="vertical" initialValues={{ port: 22, auth: 'key', workdir: '~/simpsy' }} data-testid="ssh-form">
        <Flex gap={12}>
          <Form.Item name="name" label={t.form.name} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Input data-testid="ssh-name" />
          </Form.Item>
          <Form.Item name="user" label={t.form.user} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Input data-testid="ssh-user" />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item name="host" label={t.form.host} rules={[{ required: true }]} style={{ flex: 3 }}>
            <Input data-testid="ssh-host" />
          </Form.Item>
          <Form.Item name="port" label={t.form.port} style={{ flex: 1 }}>
            <InputNumber min={1} max={65535} style={{ width: '100%' }} data-testid="ssh-port" />
          </Form.Item>
        </Flex>
        <Form.Item name="auth" label={t.form.auth}>
          <Radio.Group options={[{ value: 'key', label: t.form.authKey }, { value: 'agent', label: t.form.authAgent }]} />
        </Form.Item>
        {auth !== 'agent' && (
          <>
            <Form.Item label={t.form.keyFile} required>
              <Flex gap={8}>
                <Form.Item name="keyFile" noStyle rules={[{ required: true }]}>
                  <Input data-testid="ssh-key" />
                </Form.Item>
                <Button onClick={() => void chooseKey()} data-testid="ssh-key-choose">
                  {t.form.choose}
                </Button>
              </Flex>
            </Form.Item>
            <Form.Item name="passphrase" label={t.form.passphrase}>
              <Input.Password autoComplete="off" data-testid="ssh-passphrase" />
            </Form.Item>
          </>
        )}
        <Form.Item name="workdir" label={t.form.workdir}>
          <Input data-testid="ssh-workdir" />
        </Form.Item>
        <Form.Item name="setup" label={t.form.setup}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} placeholder={t.form.setupHint} data-testid="ssh-setup" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function HostKeyPrompt() {
  const t = useT().ft.connections;
  const prompt = useFineTuningStore((s) => s.hostKey);
  const profile = useFineTuningStore((s) => s.profiles.find((p) => p.id === s.hostKey?.profileId));
  if (!prompt || !profile) return null;
  if (prompt.previous !== null) {
    return (
      <Modal open title={t.hostKey.changedTitle} onCancel={() => fineTuningActions.dismissHostKey()} footer={null} data-testid="host-key-changed">
        <Alert type="error" showIcon icon={<WarningOutlined />} message={t.hostKey.changed(prompt.previous, prompt.fingerprint)} />
      </Modal>
    );
  }
  return (
    <Modal
      open
      title={t.hostKey.title}
      onCancel={() => fineTuningActions.dismissHostKey()}
      onOk={() => void fineTuningActions.test(profile.id, prompt.fingerprint)}
      okText={t.hostKey.accept}
      cancelText={t.hostKey.cancel}
      okButtonProps={{ 'data-testid': 'host-key-accept' } as Record<string, string>}
      width={620}
    >
      <Flex vertical gap={10} data-testid="host-key-prompt">
        <Typography.Text>{t.hostKey.unknown(`${profile.user}@${profile.host}:${profile.port}`)}</Typography.Text>
        <Typography.Text code copyable style={{ fontSize: 14 }} data-testid="host-key-fingerprint">
          {prompt.fingerprint}
        </Typography.Text>
        <Typography.Text type="secondary">{t.hostKey.check}</Typography.Text>
      </Flex>
    </Modal>
  );
}

function Report({ profile, report }: { profile: SshProfileView; report: SshTestReport }) {
  const t = useT().ft.connections.report;
  return (
    <Card size="small" title={t.title(profile.name)} data-testid={`ssh-report-${profile.name}`}>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t.gpus}>
          {report.gpus.length === 0 ? t.noGpu : <Flex vertical>{report.gpus.map((g, i) => <span key={i}>{`${i}: ${t.gpu(g.name, g.memoryMiB)}`}</span>)}</Flex>}
        </Descriptions.Item>
        <Descriptions.Item label={t.llamaFactory}>{report.llamaFactoryVersion ?? t.notFound}</Descriptions.Item>
        <Descriptions.Item label={t.disk}>{report.freeDiskBytes === null ? t.unknown : `${gib(report.freeDiskBytes)} (${report.workdir})`}</Descriptions.Item>
      </Descriptions>
      {report.warnings.length > 0 ? <Alert type="warning" showIcon message={report.warnings.join(' ')} /> : <Tag color="success">{t.ok}</Tag>}
    </Card>
  );
}

export function Connections() {
  const t = useT().ft.connections;
  const profiles = useFineTuningStore((s) => s.profiles);
  const testing = useFineTuningStore((s) => s.testing);
  const reports = useFineTuningStore((s) => s.reports);
  const [adding, setAdding] = useState(false);
  return (
    <Card
      title={t.title}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="ssh-add">
          {t.add}
        </Button>
      }
      data-testid="ssh-connections"
    >
      <Typography.Paragraph type="secondary">{t.description}</Typography.Paragraph>
      <Table<SshProfileView>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={profiles}
        locale={{ emptyText: t.empty }}
        columns={[
          { title: t.columns.name, dataIndex: 'name', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
          { title: t.columns.target, render: (_, p) => `${p.user}@${p.host}:${p.port}` },
          { title: t.columns.auth, render: (_, p) => (p.auth === 'agent' ? t.agent : t.keyFile(p.keyFile ?? '', p.hasPassphrase)), ellipsis: true },
          {
            title: t.columns.hostKey,
            render: (_, p) =>
              p.hostKeyFingerprint ? (
                <Typography.Text code style={{ fontSize: 12 }}>
                  <SafetyCertificateOutlined /> {p.hostKeyFingerprint.slice(0, 20)}…
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t.notVerified}</Typography.Text>
              ),
          },
          {
            title: t.columns.actions,
            align: 'right',
            render: (_, p) => (
              <Flex gap={8} justify="end">
                <Button size="small" icon={<ApiOutlined />} loading={testing === p.id} onClick={() => void fineTuningActions.test(p.id)} data-testid={`ssh-test-${p.name}`}>
                  {t.test}
                </Button>
                <Popconfirm title={t.removeConfirm(p.name)} onConfirm={() => void fineTuningActions.removeProfile(p.id)}>
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t.remove} />
                </Popconfirm>
              </Flex>
            ),
          },
        ]}
      />
      <Flex gap={12} wrap style={{ marginTop: 12 }}>
        {profiles
          .filter((p) => reports[p.id])
          .map((p) => (
            <div key={p.id} style={{ flex: '1 1 360px' }}>
              <Report profile={p} report={reports[p.id]!} />
            </div>
          ))}
      </Flex>
      <AddServer open={adding} onClose={() => setAdding(false)} />
      <HostKeyPrompt />
    </Card>
  );
}

import { LockOutlined } from '@ant-design/icons';
import type { EndpointView } from '@contract';
import { Alert, Button, Col, Drawer, Flex, Form, Input, InputNumber, Radio, Row, Typography } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useT } from '../../i18n';
import { notifyError } from '../../lib/feedback';
import { endpointsActions } from '../../stores/endpoints';
import { selectCanStoreSecrets, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import {
  fieldRules,
  initialValues,
  placeIssues,
  toCreateInput,
  toUpdateInput,
  type EndpointFormValues,
  type SavedKeyMode,
} from './endpointFormModel';

function Group({ title, help, children }: { title: string; help?: string; children: ReactNode }) {
  return (
    <section style={{ marginBottom: 12 }}>
      <Typography.Title level={5} style={{ marginBottom: help ? 2 : 14 }}>
        {title}
      </Typography.Title>
      {help && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 14 }}>
          {help}
        </Typography.Paragraph>
      )}
      {children}
    </section>
  );
}

/**
 * Add or edit one endpoint. `endpoint` null means add, starting from `preset` (a server found
 * on this computer). The API key is write-only: the form never holds a saved key, only what
 * the user types, and is destroyed when closed.
 */
export function EndpointForm({
  open,
  endpoint,
  preset,
  onClose,
}: {
  open: boolean;
  endpoint: EndpointView | null;
  preset?: Partial<EndpointFormValues>;
  onClose: () => void;
}) {
  const t = useT();
  const canStoreSecrets = useSettingsStore(selectCanStoreSecrets);
  const [form] = Form.useForm<EndpointFormValues>();
  const [saving, setSaving] = useState(false);
  const [keyMode, setKeyMode] = useState<SavedKeyMode>('keep');
  const keySource = Form.useWatch('keySource', form);
  const rules = useMemo(() => fieldRules(t.form.errors), [t]);
  const initial = useMemo(() => ({ ...initialValues(endpoint, canStoreSecrets), ...(endpoint ? {} : preset) }), [endpoint, canStoreSecrets, preset]);

  const hasSavedKey = endpoint?.hasApiKey ?? false;
  const needsKeyInput = keySource === 'stored' && (!hasSavedKey || keyMode === 'replace');

  async function submit(values: EndpointFormValues) {
    setSaving(true);
    const result = endpoint
      ? await endpointsActions.update(toUpdateInput(values, endpoint, keyMode))
      : await endpointsActions.create(toCreateInput(values));
    setSaving(false);
    if (result.ok) {
      onClose();
      return;
    }
    const { fields, unplaced } = placeIssues(result.error.issues ?? [], result.error.code, t.form.errors);
    form.setFields(fields);
    if (fields.length === 0 || unplaced.length > 0) {
      // Issues no field shows are listed as they are; otherwise the error itself, in the UI language.
      notifyError(t.form.saveFailed, unplaced.length ? { code: result.error.code, message: unplaced.map((i) => i.message).join('; ') } : result.error);
    }
  }

  const savedKeyPanel = (
    <div
      data-testid="saved-key"
      style={{ padding: '12px 14px', borderRadius: 8, background: palette.layout, marginBottom: needsKeyInput ? 16 : 20 }}
    >
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Typography.Text type={keyMode === 'clear' ? 'warning' : undefined}>
          <LockOutlined style={{ marginInlineEnd: 8 }} />
          {keyMode === 'clear' ? t.form.keyWillClear : t.form.keySaved}
        </Typography.Text>
        <Flex gap={8}>
          {keyMode === 'keep' ? (
            <>
              <Button size="small" disabled={!canStoreSecrets} onClick={() => setKeyMode('replace')} data-testid="key-replace">
                {t.form.keyReplace}
              </Button>
              <Button size="small" danger onClick={() => setKeyMode('clear')} data-testid="key-clear">
                {t.form.keyClear}
              </Button>
            </>
          ) : (
            <Button
              size="small"
              onClick={() => {
                setKeyMode('keep');
                form.setFieldValue('apiKey', undefined);
              }}
            >
              {t.form.keyKeep}
            </Button>
          )}
        </Flex>
      </Flex>
    </div>
  );

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={560}
      destroyOnHidden
      title={endpoint ? t.form.editTitle(endpoint.name) : t.form.addTitle}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t.form.cancel}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="endpoint-form-save">
            {endpoint ? t.form.save : t.form.create}
          </Button>
        </Flex>
      }
    >
      <Form<EndpointFormValues>
        form={form}
        name="endpoint"
        layout="vertical"
        initialValues={initial}
        onFinish={(values) => void submit(values)}
        requiredMark={false}
        scrollToFirstError={{ block: 'center', focus: true }}
        data-testid="endpoint-form"
      >
        <Group title={t.form.groups.connection}>
          <Form.Item name="name" label={t.form.name} extra={t.form.nameHelp} rules={rules.name}>
            <Input placeholder={t.form.namePlaceholder} maxLength={80} autoFocus />
          </Form.Item>
          <Form.Item name="baseUrl" label={t.form.baseUrl} rules={rules.baseUrl}>
            <Input placeholder={t.form.baseUrlPlaceholder} spellCheck={false} />
          </Form.Item>
          <Form.Item name="model" label={t.form.model} rules={rules.model}>
            <Input placeholder={t.form.modelPlaceholder} spellCheck={false} />
          </Form.Item>
        </Group>

        <Group title={t.form.groups.key}>
          {!canStoreSecrets && (
            <Alert type="info" showIcon title={t.form.cannotStore} style={{ marginBottom: 16 }} data-testid="cannot-store-keys" />
          )}
          <Form.Item name="keySource" label={t.form.keySource}>
            <Radio.Group
              options={[
                { value: 'stored', label: <span data-testid="key-source-stored">{t.form.sourceStored}</span>, disabled: !canStoreSecrets && !hasSavedKey },
                { value: 'env', label: <span data-testid="key-source-env">{t.form.sourceEnv}</span> },
                { value: 'none', label: <span data-testid="key-source-none">{t.form.sourceNone}</span> },
              ]}
            />
          </Form.Item>

          {keySource === 'stored' && hasSavedKey && savedKeyPanel}
          {needsKeyInput && (
            <Form.Item name="apiKey" label={t.form.apiKey} extra={t.form.apiKeyHelp} rules={rules.apiKey}>
              <Input.Password
                placeholder={hasSavedKey ? t.form.newKeyPlaceholder : t.form.apiKeyPlaceholder}
                autoComplete="new-password"
                spellCheck={false}
              />
            </Form.Item>
          )}
          {keySource === 'env' && (
            <Form.Item name="apiKeyEnv" label={t.form.apiKeyEnv} extra={t.form.apiKeyEnvHelp} rules={rules.apiKeyEnv}>
              <Input placeholder={t.form.apiKeyEnvPlaceholder} spellCheck={false} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          )}
          {keySource === 'none' && (
            <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
              {t.form.noKeyHelp}
            </Typography.Paragraph>
          )}
        </Group>

        <Group title={t.form.groups.defaults} help={t.form.groups.defaultsHelp}>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="temperature" label={t.form.temperature} rules={rules.temperature}>
                <InputNumber style={{ width: '100%' }} step={0.1} placeholder="0 – 2" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="topP" label={t.form.topP} rules={rules.topP}>
                <InputNumber style={{ width: '100%' }} step={0.05} placeholder="0 – 1" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="maxTokens" label={t.form.maxTokens} rules={rules.maxTokens}>
                <InputNumber style={{ width: '100%' }} step={256} precision={0} placeholder="1024" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="timeoutSeconds" label={t.form.timeout} rules={rules.timeoutSeconds}>
                <InputNumber style={{ width: '100%' }} step={10} placeholder="60" />
              </Form.Item>
            </Col>
          </Row>
        </Group>

        <Group title={t.form.groups.prices} help={t.form.groups.pricesHelp}>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name="priceInputPerM" label={t.form.priceInput} rules={rules.priceInputPerM}>
                <InputNumber style={{ width: '100%' }} step={0.5} placeholder="0" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="priceOutputPerM" label={t.form.priceOutput} rules={rules.priceOutputPerM}>
                <InputNumber style={{ width: '100%' }} step={0.5} placeholder="0" />
              </Form.Item>
            </Col>
          </Row>
        </Group>
      </Form>
    </Drawer>
  );
}

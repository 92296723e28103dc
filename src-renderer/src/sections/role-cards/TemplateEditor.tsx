import { CheckCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import type { CardLanguage, PromptTemplate } from '@contract';
import { Alert, Button, Flex, Input, Modal, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { errorText } from '../../stores/roleCards';
import { promptsActions } from '../../stores/prompts';

/** The client prompt template (paper Figure 7) for one language: edit, save, or go back to the shipped one. */
export function TemplateEditor({ open, language, onClose }: { open: boolean; language: CardLanguage; onClose: () => void }) {
  const t = useT().cards;
  const tt = t.template;
  const [template, setTemplate] = useState<PromptTemplate | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setTemplate(null);
    setError(null);
    void promptsActions.load('client', language).then((loaded) => {
      if (!loaded) return;
      setTemplate(loaded);
      setText(loaded.template);
    });
  }, [open, language]);

  const missing = template ? template.placeholders.filter((p) => !text.includes(p)) : [];

  const save = async (value: string | null) => {
    setBusy(true);
    setError(null);
    const result = await promptsActions.save('client', language, value);
    setBusy(false);
    if (!result.ok) {
      setError(errorText(result.error));
      return;
    }
    setTemplate(result.value);
    setText(result.value.template);
    if (value !== null) onClose();
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={tt.title(t.languageNames[language])}
      width={760}
      destroyOnHidden
      footer={
        <Flex justify="space-between" gap={8}>
          <Popconfirm
            title={tt.resetConfirm}
            okText={tt.reset}
            cancelText={tt.cancel}
            okButtonProps={{ ...{ 'data-testid': 'template-reset-confirm' } }}
            onConfirm={() => void save(null)}
            disabled={!template?.isOverride}
          >
            <Button disabled={!template?.isOverride} data-testid="template-reset">
              {tt.reset}
            </Button>
          </Popconfirm>
          <Flex gap={8}>
            <Button onClick={onClose} data-testid="template-cancel">
              {tt.cancel}
            </Button>
            <Button
              type="primary"
              loading={busy}
              disabled={!template || missing.length > 0 || text === template.template}
              onClick={() => void save(text)}
              data-testid="template-save"
            >
              {tt.save}
            </Button>
          </Flex>
        </Flex>
      }
    >
      {!template ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <Flex vertical gap={12} data-testid="template-editor">
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {tt.intro}
          </Typography.Paragraph>
          <Flex align="center" gap={8} wrap>
            <Typography.Text strong style={{ fontSize: 13 }}>
              {tt.placeholders}
            </Typography.Text>
            {template.placeholders.map((p) => (
              <Tag key={p} color={text.includes(p) ? 'green' : 'red'} icon={text.includes(p) ? <CheckCircleFilled /> : <ExclamationCircleFilled />}>
                <code>{p}</code>
              </Tag>
            ))}
            <span style={{ flex: 1 }} />
            <Tag color={template.isOverride ? 'gold' : undefined} variant="filled">
              {template.isOverride ? tt.overridden : tt.shipped}
            </Tag>
          </Flex>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoSize={{ minRows: 14, maxRows: 24 }}
            status={missing.length ? 'error' : undefined}
            style={{ fontSize: 13.5, lineHeight: 1.75, background: '#fbfcfb' }}
            data-testid="template-text"
            spellCheck={false}
          />
          {missing.length > 0 && (
            <Typography.Text type="danger" style={{ fontSize: 13 }} data-testid="template-missing">
              {tt.missing(missing.join(' '))}
            </Typography.Text>
          )}
          {error && <Alert type="error" showIcon title={error} />}
        </Flex>
      )}
    </Modal>
  );
}

import { CheckOutlined, CopyOutlined, EditOutlined, LoadingOutlined } from '@ant-design/icons';
import type { CardRender } from '@contract';
import { Alert, Button, Flex, Segmented, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { currentMessages, useT } from '../../i18n';
import { call } from '../../lib/call';
import { apiErrorText } from '../../lib/error-text';
import { selectDirty, useCardEditorStore } from '../../stores/cardEditor';
import { renderableDraft, validate } from '../../stores/cardForm';
import { usePromptsStore } from '../../stores/prompts';
import { palette } from '../../theme';
import { charCount, useDebounced } from './format';
import { TemplateEditor } from './TemplateEditor';

// What the client model will actually receive, rendered by main from the unsaved draft:
// the card text alone, or the whole client system prompt with the card in place.

const textStyle = {
  margin: 0,
  whiteSpace: 'pre-wrap' as const,
  wordBreak: 'break-word' as const,
  fontFamily: 'inherit',
  fontSize: 13.5,
  lineHeight: 1.8,
  color: palette.text,
};

export function PreviewPanel() {
  const t = useT().cards;
  const tp = t.preview;
  const draft = useCardEditorStore((s) => s.draft);
  const dirty = useCardEditorStore(selectDirty);
  const isNew = useCardEditorStore((s) => s.target?.kind === 'new');
  const templateVersion = usePromptsStore((s) => s.version);
  const debounced = useDebounced(draft, 300);
  const input = useMemo(() => renderableDraft(debounced), [debounced]);
  const [render, setRender] = useState<CardRender | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'card' | 'prompt'>('card');
  const [copied, setCopied] = useState(false);
  const [templateOpen, setTemplateOpen] = useState(false);

  useEffect(() => {
    let live = true;
    setBusy(true);
    void call(() => window.api.cards.render({ draft: input })).then((result) => {
      if (!live) return;
      setBusy(false);
      if (result.ok) {
        setRender(result.value);
        setError(null);
      } else {
        setError(apiErrorText(result.error, currentMessages()));
      }
    });
    return () => {
      live = false;
    };
  }, [input, templateVersion]);

  const text = render ? (mode === 'card' ? render.cardText : render.systemPrompt) : '';
  // Values that cannot be saved yet (too long, a control character) are left out of the preview.
  const incomplete = Object.keys(validate(debounced)).length > 0;

  const body = useMemo(() => {
    if (!render) return null;
    if (mode === 'card') return render.cardText;
    const at = render.cardText ? render.systemPrompt.indexOf(render.cardText) : -1;
    if (at < 0) return render.systemPrompt;
    return (
      <>
        {render.systemPrompt.slice(0, at)}
        <mark style={{ background: palette.primarySoft, color: 'inherit', borderRadius: 4, boxShadow: `-3px 0 0 ${palette.primarySoft}, 3px 0 0 ${palette.primarySoft}` }} data-testid="preview-card-in-prompt">
          {render.cardText}
        </mark>
        {render.systemPrompt.slice(at + render.cardText.length)}
      </>
    );
  }, [render, mode]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      /* clipboard not available: nothing to do */
    }
  };

  return (
    <Flex vertical gap={10} style={{ height: '100%', minHeight: 0 }} data-testid="preview-panel">
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Segmented<'card' | 'prompt'>
          value={mode}
          onChange={setMode}
          options={[
            { value: 'card', label: <span data-testid="preview-mode-card">{tp.cardText}</span> },
            { value: 'prompt', label: <span data-testid="preview-mode-prompt">{tp.prompt}</span> },
          ]}
        />
        <Flex gap={4}>
          <Tooltip title={copied ? tp.copied : tp.copy}>
            <Button type="text" size="small" icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={() => void copy()} aria-label={tp.copy} />
          </Tooltip>
          <Button size="small" icon={<EditOutlined />} onClick={() => setTemplateOpen(true)} data-testid="template-open">
            {tp.editTemplate}
          </Button>
        </Flex>
      </Flex>
      <Flex align="center" gap={8} wrap style={{ fontSize: 12 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {mode === 'card' ? tp.cardHelp : tp.promptHelp}
        </Typography.Text>
      </Flex>
      <Flex align="center" gap={6} wrap>
        {render && (
          <Tag variant="filled" style={{ marginInlineEnd: 0 }} data-testid="preview-chars">
            {tp.chars(charCount(text))}
          </Tag>
        )}
        {(dirty || isNew) && (
          <Tag color="gold" variant="filled" style={{ marginInlineEnd: 0 }}>
            {tp.unsaved}
          </Tag>
        )}
        {busy && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <LoadingOutlined style={{ marginInlineEnd: 4 }} />
            {tp.rendering}
          </Typography.Text>
        )}
      </Flex>
      {error && <Alert type="error" showIcon title={tp.failed} description={error} data-testid="preview-error" />}
      {incomplete && render && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {tp.incomplete}
        </Typography.Text>
      )}
      <div
        style={{ flex: 1, minHeight: 0, overflow: 'auto', background: '#fbfcfb', border: `1px solid ${palette.border}`, borderRadius: 10, padding: '14px 16px' }}
        data-testid="preview-scroll"
      >
        <pre style={textStyle} data-testid={mode === 'card' ? 'preview-card-text' : 'preview-prompt-text'} lang={input.language === 'zh' ? 'zh-CN' : 'en'}>
          {body}
        </pre>
      </div>
      <TemplateEditor open={templateOpen} language={draft.language} onClose={() => setTemplateOpen(false)} />
    </Flex>
  );
}

import { ApiOutlined, EditOutlined, HistoryOutlined, RedoOutlined, SaveOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import type { CardChatTranscript } from '@contract';
import { Alert, Button, Collapse, Empty, Flex, Input, Modal, Popover, Select, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useT, type Messages } from '../../i18n';
import { cardChatActions, selectStreaming, selectTurns, useCardChatStore, type TrialMessage } from '../../stores/cardChat';
import { selectDirty, useCardEditorStore } from '../../stores/cardEditor';
import { renderableDraft } from '../../stores/cardForm';
import { selectEndpoints, useEndpointsStore } from '../../stores/endpoints';
import { navigationActions } from '../../stores/navigation';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import { calmInfo, formatTime } from './format';

function Bubble({ message, t }: { message: TrialMessage; t: Messages['cards']['chat'] }) {
  const mine = message.role === 'counselor';
  return (
    <Flex vertical align={mine ? 'flex-end' : 'flex-start'} gap={3} data-testid="chat-message" data-role={message.role} data-streaming={message.streaming ? 'true' : undefined}>
      <Typography.Text type="secondary" style={{ fontSize: 11.5, paddingInline: 4 }}>
        {mine ? t.counselor : t.client}
        {message.stopped ? ` · ${t.stopped}` : ''}
      </Typography.Text>
      <div
        style={{
          maxWidth: '86%',
          padding: '8px 12px',
          borderRadius: 12,
          borderStartEndRadius: mine ? 4 : 12,
          borderStartStartRadius: mine ? 12 : 4,
          background: mine ? palette.primarySoft : '#fff',
          border: mine ? '1px solid #d3e6e2' : `1px solid ${palette.border}`,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          fontSize: 14,
          lineHeight: 1.7,
        }}
        data-testid="chat-message-text"
      >
        {message.content}
        {message.streaming && (
          <span className="simpsy-caret" aria-hidden="true" style={{ display: 'inline-block', width: 7, height: 15, marginInlineStart: 2, verticalAlign: -2, background: palette.primary, opacity: 0.6, borderRadius: 1 }} />
        )}
        {message.streaming && !message.content && (
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {' '}
            {t.typing}
          </Typography.Text>
        )}
      </div>
    </Flex>
  );
}

function Transcript({ transcript, t, locale }: { transcript: CardChatTranscript; t: Messages['cards']['chat']; locale: 'zh' | 'en' }) {
  return (
    <Flex vertical gap={8}>
      {transcript.note && <Alert type="info" title={transcript.note} style={calmInfo} />}
      {transcript.messages.map((m, i) => (
        <Bubble key={i} message={m} t={t} />
      ))}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatTime(transcript.createdAt, locale)}
      </Typography.Text>
    </Flex>
  );
}

export function TrialChat() {
  const t = useT().cards;
  const tc = t.chat;
  const locale = useSettingsStore(selectLocale);
  const endpoints = useEndpointsStore(selectEndpoints);
  const target = useCardEditorStore((s) => s.target);
  const draft = useCardEditorStore((s) => s.draft);
  const dirty = useCardEditorStore(selectDirty);
  const { messages, endpointId, error, saved, transcripts, transcriptsFor } = useCardChatStore();
  const streaming = useCardChatStore(selectStreaming);
  const turns = useCardChatStore(selectTurns);
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [saveOpen, setSaveOpen] = useState(false);
  const [pastOpen, setPastOpen] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const cardKey = target?.kind === 'card' ? target.id : 'new';
  const cardId = target?.kind === 'card' ? target.id : null;

  useEffect(() => {
    cardChatActions.ensure(cardKey, draft.language);
  }, [cardKey, draft.language]);

  useEffect(() => {
    if (cardId !== null && transcriptsFor !== cardId) void cardChatActions.loadTranscripts(cardId);
  }, [cardId, transcriptsFor]);

  useEffect(() => {
    if (endpointId === null || !endpoints.some((e) => e.id === endpointId)) cardChatActions.setEndpoint(endpoints[0]?.id ?? null);
  }, [endpoints, endpointId]);

  // Follow the conversation as it grows (and as a reply streams in).
  const last = messages[messages.length - 1];
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, last?.content]);

  const hasComplaint = draft.chiefComplaint.trim().length > 0;
  const card = useMemo(
    () => (cardId !== null && !dirty ? { id: cardId } : { draft: renderableDraft(draft) }),
    [cardId, dirty, draft],
  );

  const send = () => {
    if (!text.trim() || streaming || endpointId === null || !hasComplaint) return;
    const message = text;
    setText('');
    void cardChatActions.send(message, card);
  };

  if (endpoints.length === 0) {
    return (
      <Flex vertical gap={12} align="flex-start" data-testid="chat-panel">
        <Alert type="info" showIcon title={tc.noEndpoint} style={calmInfo} />
        <Button icon={<ApiOutlined />} onClick={() => navigationActions.go('settings')}>
          {tc.goSettings}
        </Button>
      </Flex>
    );
  }

  return (
    <Flex vertical gap={10} style={{ height: '100%', minHeight: 0 }} data-testid="chat-panel">
      <Typography.Text type="secondary" style={{ fontSize: 12.5 }}>
        {tc.intro}
      </Typography.Text>
      <Flex gap={8} align="center">
        <Typography.Text style={{ fontSize: 13, flexShrink: 0 }}>{tc.endpoint}</Typography.Text>
        <Select<number>
          size="small"
          value={endpointId ?? undefined}
          onChange={(v) => cardChatActions.setEndpoint(v)}
          placeholder={tc.endpointPlaceholder}
          options={endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }))}
          style={{ flex: 1, minWidth: 0 }}
          disabled={streaming}
          data-testid="chat-endpoint"
        />
      </Flex>
      <div
        ref={scroller}
        style={{ flex: 1, minHeight: 120, overflow: 'auto', background: '#f8faf9', border: `1px solid ${palette.border}`, borderRadius: 10, padding: '12px 12px 16px' }}
        data-testid="chat-messages"
      >
        <Flex vertical gap={10}>
          {messages.map((m, i) => (
            <Bubble key={i} message={m} t={tc} />
          ))}
        </Flex>
      </div>
      {error && <Alert type="error" showIcon title={tc.failed} description={error} closable={{ onClose: () => useCardChatStore.setState({ error: null }) }} data-testid="chat-error" />}
      {!hasComplaint && <Alert type="warning" showIcon title={tc.needsComplaint} />}
      <div data-undo-scope="native">
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={tc.placeholder}
          autoSize={{ minRows: 2, maxRows: 6 }}
          disabled={!hasComplaint}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          data-testid="chat-input"
        />
      </div>
      <Flex justify="space-between" align="center" gap={6} wrap>
        <Flex gap={2}>
          <Tooltip title={tc.restart}>
            <Button
              size="small"
              type="text"
              icon={<RedoOutlined />}
              aria-label={tc.restart}
              disabled={streaming || turns === 0}
              onClick={() => cardChatActions.begin(cardKey, draft.language)}
              data-testid="chat-restart"
            />
          </Tooltip>
          <Tooltip title={tc.retract}>
            <Button
              size="small"
              type="text"
              icon={<EditOutlined />}
              aria-label={tc.retract}
              disabled={streaming || turns === 0}
              onClick={() => {
                const back = cardChatActions.retractLast();
                if (back !== null) setText(back);
              }}
            />
          </Tooltip>
          <Tooltip title={tc.past(transcriptsFor === cardId ? transcripts.length : 0)}>
            <Button
              size="small"
              type="text"
              icon={<HistoryOutlined />}
              disabled={cardId === null}
              onClick={() => setPastOpen(true)}
              aria-label={tc.past(transcriptsFor === cardId ? transcripts.length : 0)}
              data-testid="chat-past"
              data-count={transcriptsFor === cardId ? transcripts.length : 0}
            >
              {transcriptsFor === cardId && transcripts.length > 0 ? transcripts.length : null}
            </Button>
          </Tooltip>
        </Flex>
        <Flex gap={6}>
          <Popover
            open={saveOpen}
            onOpenChange={setSaveOpen}
            trigger="click"
            content={
              <Flex vertical gap={8} style={{ width: 260 }}>
                <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={tc.notePlaceholder} maxLength={2000} aria-label={tc.note} />
                <Button
                  type="primary"
                  size="small"
                  onClick={async () => {
                    if (cardId !== null && (await cardChatActions.save(cardId, note))) {
                      setSaveOpen(false);
                      setNote('');
                    }
                  }}
                  data-testid="chat-save-confirm"
                >
                  {tc.save}
                </Button>
              </Flex>
            }
          >
            <Tooltip title={cardId === null ? tc.saveNeedsCard : undefined}>
              <Button size="small" icon={<SaveOutlined />} disabled={cardId === null || streaming || turns === 0 || saved} data-testid="chat-save">
                {saved ? tc.saved : tc.save}
              </Button>
            </Tooltip>
          </Popover>
          {streaming ? (
            <Button size="small" danger icon={<StopOutlined />} onClick={() => void cardChatActions.stop()} data-testid="chat-stop">
              {tc.stop}
            </Button>
          ) : (
            <Button size="small" type="primary" icon={<SendOutlined />} disabled={!text.trim() || endpointId === null || !hasComplaint} onClick={send} data-testid="chat-send">
              {tc.send}
            </Button>
          )}
        </Flex>
      </Flex>
      <Modal open={pastOpen} onCancel={() => setPastOpen(false)} footer={null} title={tc.pastTitle} width={640} destroyOnHidden>
        {transcripts.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={tc.noPast} />
        ) : (
          <Collapse
            data-testid="chat-transcripts"
            items={transcripts.map((tr) => ({
              key: tr.id,
              label: (
                <Flex justify="space-between" gap={8} wrap>
                  <span>{formatTime(tr.createdAt, locale)}</span>
                  <span>
                    <Tag variant="filled">{tc.turns(tr.messages.filter((m) => m.role === 'counselor').length)}</Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {tc.with(tr.endpointName)}
                    </Typography.Text>
                  </span>
                </Flex>
              ),
              children: <Transcript transcript={tr} t={tc} locale={locale} />,
            }))}
          />
        )}
      </Modal>
    </Flex>
  );
}

import type { AgentRole, EndReason, RejectionReason } from '@contract';
import { Button, Empty, Flex, Tag, Typography } from 'antd';
import { memo, useEffect, useRef, useState } from 'react';
import { useT, type Messages } from '../../i18n';
import { palette } from '../../theme';

// The transcript as chat bubbles: the client on the left, the counselor on the right, each
// with its turn number. Used by the live view (text still streaming) and the dialogue browser.

export interface BubbleMessage {
  index: number;
  role: AgentRole;
  content: string;
  attempt: number | null;
  streaming?: boolean;
}

export interface BubbleRejection {
  index: number;
  attempt: number;
  reason: RejectionReason;
  content: string;
  detail?: string;
}

/** Turn n holds the client's n-th utterance and the counselor's n-th reply. */
export const turnOf = (index: number) => Math.floor(index / 2) + 1;

const Bubble = memo(function Bubble({ m, t, rejected, showRejected }: { m: BubbleMessage; t: Messages['dlg']; rejected: BubbleRejection[]; showRejected: boolean }) {
  const counselor = m.role === 'counselor';
  return (
    <Flex vertical align={counselor ? 'flex-end' : 'flex-start'} style={{ width: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12, margin: '0 6px 4px' }}>
        {counselor ? t.counselor : t.client} · {t.turn(turnOf(m.index))}
        {m.attempt !== null && m.attempt > 1 ? ` · ${t.attempt(m.attempt)}` : ''}
      </Typography.Text>
      {showRejected &&
        rejected.map((r) => (
          <div
            key={`r${r.attempt}`}
            data-testid="rejected-attempt"
            style={{
              maxWidth: '78%',
              marginBottom: 6,
              padding: '8px 12px',
              borderRadius: 10,
              border: `1px dashed #d9b8b2`,
              background: '#fbf6f5',
              color: palette.textSecondary,
              fontSize: 13,
              whiteSpace: 'pre-wrap',
              wordBreak: 'break-word',
            }}
          >
            <Tag color="error" variant="filled" style={{ marginBottom: 4 }}>
              {t.attempt(r.attempt)} · {t.rejection[r.reason]}
              {r.detail ? ` · ${r.detail}` : ''}
            </Tag>
            <div style={{ textDecoration: 'line-through', textDecorationColor: '#d9b8b2' }}>{r.content || '—'}</div>
          </div>
        ))}
      <div
        data-testid="bubble"
        data-role={m.role}
        data-index={m.index}
        data-streaming={m.streaming ? 'true' : 'false'}
        style={{
          maxWidth: '78%',
          padding: '10px 14px',
          borderRadius: counselor ? '14px 4px 14px 14px' : '4px 14px 14px 14px',
          background: counselor ? palette.primarySoft : '#ffffff',
          border: `1px solid ${counselor ? '#cfe3df' : palette.border}`,
          lineHeight: 1.7,
          fontSize: 14,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          minHeight: 40,
        }}
      >
        {m.content}
        {m.streaming && <span className="sim-caret" aria-hidden="true" />}
      </div>
    </Flex>
  );
});

export function ChatBubbles(props: {
  messages: BubbleMessage[];
  rejected?: BubbleRejection[];
  endReason?: EndReason | null;
  endPhrase?: string | null;
  error?: string | null;
  /** Keep the newest message in view while it streams. */
  follow?: boolean;
  height?: number | string;
}) {
  const t = useT().dlg;
  const [showRejected, setShowRejected] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const rejected = props.rejected ?? [];
  const last = props.messages[props.messages.length - 1];

  useEffect(() => {
    const el = box.current;
    if (!props.follow || !el) return;
    // Follow only when the reader is already near the bottom, so scrolling back is not fought.
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 160) el.scrollTop = el.scrollHeight;
  }, [props.follow, last?.content, props.messages.length]);

  return (
    <Flex vertical style={{ height: props.height ?? '100%', minHeight: 0 }}>
      {rejected.length > 0 && (
        <Flex justify="flex-end" style={{ paddingBottom: 8 }}>
          <Button size="small" type="text" onClick={() => setShowRejected((v) => !v)} data-testid="toggle-rejected">
            {showRejected ? t.hideRejected : t.showRejected(rejected.length)}
          </Button>
        </Flex>
      )}
      <div ref={box} data-testid="chat" style={{ flex: 1, overflowY: 'auto', padding: '4px 4px 12px', minHeight: 0 }}>
        {props.messages.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noMessages} />
        ) : (
          <Flex vertical gap={14}>
            {props.messages.map((m) => (
              <Bubble
                key={m.index}
                m={m}
                t={t}
                showRejected={showRejected}
                rejected={rejected.filter((r) => r.index === m.index)}
              />
            ))}
            {showRejected &&
              last &&
              rejected
                .filter((r) => r.index > last.index)
                .map((r) => (
                  <Typography.Text key={`p${r.attempt}`} type="secondary" style={{ alignSelf: 'flex-end', fontSize: 13 }} delete>
                    {t.attempt(r.attempt)} · {t.rejection[r.reason]}: {r.content}
                  </Typography.Text>
                ))}
          </Flex>
        )}
        {props.endReason && <EndNote reason={props.endReason} phrase={props.endPhrase ?? null} error={props.error ?? null} />}
      </div>
    </Flex>
  );
}

export const endReasonColor: Record<EndReason, string> = {
  phrase: 'green',
  turn_limit: 'gold',
  refinement_failed: 'orange',
  error: 'red',
  cancelled: 'default',
  imported: 'blue',
};

export function EndNote({ reason, phrase, error }: { reason: EndReason; phrase: string | null; error: string | null }) {
  const t = useT().dlg;
  return (
    <Flex justify="center" style={{ marginTop: 18 }} data-testid="end-reason" data-reason={reason}>
      <Typography.Text type="secondary" style={{ fontSize: 13, textAlign: 'center' }}>
        <Tag color={endReasonColor[reason]} variant="filled">
          {t.endReasons[reason]}
        </Tag>
        {reason === 'phrase' && phrase ? t.endedOnPhrase(phrase) : null}
        {error ? <span style={{ color: '#c0594e' }}>{error}</span> : null}
      </Typography.Text>
    </Flex>
  );
}

/** The role card as the client model saw it. */
export function CardText({ text, title }: { text: string | null; title: string }) {
  const t = useT().dlg;
  return (
    <div data-testid="card-text" style={{ height: '100%', display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <Typography.Text strong style={{ marginBottom: 8 }}>
        {title}
      </Typography.Text>
      <div
        style={{
          flex: 1,
          overflowY: 'auto',
          background: palette.layout,
          borderRadius: 10,
          padding: '12px 14px',
          fontSize: 13,
          lineHeight: 1.75,
          whiteSpace: 'pre-wrap',
          color: palette.text,
          minHeight: 0,
        }}
      >
        {text ?? <Typography.Text type="secondary">{t.noCard}</Typography.Text>}
      </div>
    </div>
  );
}

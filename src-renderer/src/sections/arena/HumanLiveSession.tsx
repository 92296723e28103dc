import type { ArenaLiveState, LivePick } from '@contract';
import { Alert, Button, Card, Empty, Flex, Input, Modal, Space, Spin, Tag, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { call } from '../../lib/call';
import { notifyError } from '../../lib/feedback';

// One live session (paper Figure 15): the dialogue so far on the left; on the right the two
// blind replies of this turn side by side and the choice, by button or key (1 2 3 4, N for a
// note). It follows main's `arenaLive:changed` (a call saved) and `jobs:changed` (the models
// stopped: the pair is ready, or paused), so the client's answer and the next pair appear by
// themselves.

const keyPicks: Record<string, LivePick> = { '1': 'A', '2': 'B', '3': 'tie', '4': 'bothbad' };
const statusColor = { writing: 'processing', waiting: 'gold', paused: 'default', failed: 'error', ended: 'success' } as const;

/** The session's state from main, read again whenever main says it changed (one read at a time, the last change never missed). */
function useLiveState(initial: ArenaLiveState): [ArenaLiveState, (next: ArenaLiveState) => void] {
  const [state, setState] = useState(initial);
  const arenaId = initial.arenaId;
  useEffect(() => {
    let reading = false;
    let again = false;
    let closed = false;
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      do {
        again = false;
        const result = await call(() => window.api.arenaLive.state({ arenaId }));
        if (!closed && result.ok) setState(result.value);
      } while (again && !closed);
      reading = false;
    };
    const offs = [window.api.arenaLive.onChanged((e) => void (e.arenaId === arenaId && read())), window.api.jobs.onChanged(() => void read())];
    void read();
    return () => {
      closed = true;
      offs.forEach((off) => off());
    };
  }, [arenaId]);
  return [state, setState];
}

function Bubble({ role, content, label }: { role: 'client' | 'counselor'; content: string; label: string }) {
  const client = role === 'client';
  return (
    <div style={{ display: 'flex', justifyContent: client ? 'flex-start' : 'flex-end' }}>
      <div
        data-testid={`live-message-${role}`}
        style={{
          maxWidth: '85%',
          padding: '8px 12px',
          borderRadius: 8,
          background: client ? 'rgba(0,0,0,0.04)' : 'rgba(22,119,255,0.08)',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
        }}
      >
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
          {label}
        </Typography.Text>
        {content}
      </div>
    </div>
  );
}

export function HumanLiveSession({ initial, onBack }: { initial: ArenaLiveState; onBack: () => void }) {
  const t = useT().live;
  const [state, setState] = useLiveState(initial);
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const noteRef = useRef<TextAreaRef>(null);
  const historyEnd = useRef<HTMLDivElement>(null);
  const { status, candidates } = state;

  const pick = useCallback(
    async (choice: LivePick) => {
      if (!candidates || sending) return;
      setSending(true);
      const result = await call(() => window.api.arenaLive.pick({ arenaId: state.arenaId, turn: candidates.turn, pick: choice, ...(note.trim() ? { note: note.trim() } : {}) }));
      setSending(false);
      if (result.ok) {
        setState(result.value);
        setNote('');
      } else notifyError(t.errors.pick, result.error);
    },
    [candidates, sending, note, state.arenaId, setState, t],
  );

  const control = async (action: 'pause' | 'resume' | 'end') => {
    const result = await call(() => window.api.arenaLive[action]({ arenaId: state.arenaId }));
    if (result.ok) setState(result.value);
    else notifyError(t.errors.control, result.error);
  };

  // The keys work anywhere but in the note, where 1–4 are text.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, textarea, [contenteditable="true"]')) return;
      if (keyPicks[e.key] && status === 'waiting') {
        e.preventDefault();
        void pick(keyPicks[e.key]!);
      } else if ((e.key === 'n' || e.key === 'N') && status === 'waiting') {
        e.preventDefault();
        noteRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pick, status]);

  useEffect(() => {
    historyEnd.current?.scrollIntoView({ block: 'end' });
  }, [state.history.length]);

  const turn = candidates?.turn ?? Math.floor(state.history.length / 2) + 1;
  const confirmEnd = () =>
    Modal.confirm({ title: t.endConfirm, content: t.endDetail, okText: t.end, cancelText: t.keep, okButtonProps: { danger: true }, onOk: () => control('end') });

  return (
    <div data-testid="live-session" data-status={status}>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Space wrap>
          <Button onClick={onBack} data-testid="live-back">
            ← {t.back}
          </Button>
          <Typography.Text strong>{t.sessionTitle(state.counselors[0], state.counselors[1], state.cardId, state.annotator)}</Typography.Text>
          <Tag color={statusColor[status]} data-testid="live-status">
            {t.status[status]}
          </Tag>
        </Space>
        <Space>
          {status === 'writing' && <Button onClick={() => void control('pause')}>{t.pause}</Button>}
          {(status === 'paused' || status === 'failed') && (
            <Button type="primary" onClick={() => void control('resume')} data-testid="live-resume">
              {t.resume}
            </Button>
          )}
          {status !== 'ended' && (
            <Button danger onClick={confirmEnd} data-testid="live-end">
              {t.end}
            </Button>
          )}
        </Space>
      </Flex>
      {status === 'failed' && state.error && <Alert type="error" showIcon title={state.error} style={{ marginBottom: 16 }} />}
      {status === 'ended' && (
        <Alert
          type={state.endReason === 'error' ? 'error' : 'info'}
          showIcon
          title={t.ended(t.endReason[state.endReason ?? ''] ?? state.endReason ?? '')}
          description={state.error ?? undefined}
          style={{ marginBottom: 16 }}
          data-testid="live-ended"
        />
      )}
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(280px, 2fr) 3fr', gap: 16, alignItems: 'start' }}>
        <Card size="small" title={t.history} styles={{ body: { maxHeight: 560, overflowY: 'auto' } }}>
          <Flex vertical gap={8} data-testid="live-history">
            {state.history.map((m, i) => (
              <Bubble key={i} role={m.role} content={m.content} label={m.role === 'client' ? t.client : t.counselor} />
            ))}
            <div ref={historyEnd} />
          </Flex>
        </Card>
        <Flex vertical gap={16}>
          {status !== 'ended' && (
            <Card size="small" title={t.turnOf(turn, state.maxTurns)}>
              {candidates ? (
                <>
                  <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
                    {(['A', 'B'] as const).map((label) => (
                      <Card key={label} size="small" type="inner" title={t.candidate(label)} data-testid={`live-candidate-${label}`}>
                        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{candidates[label]}</Typography.Paragraph>
                      </Card>
                    ))}
                  </div>
                  <Flex wrap gap={8} style={{ marginTop: 12 }}>
                    <Button type="primary" onClick={() => void pick('A')} loading={sending} data-testid="live-pick-A">
                      1 · {t.pickA}
                    </Button>
                    <Button type="primary" onClick={() => void pick('B')} loading={sending} data-testid="live-pick-B">
                      2 · {t.pickB}
                    </Button>
                    <Button onClick={() => void pick('tie')} loading={sending} data-testid="live-pick-tie">
                      3 · {t.tie}
                    </Button>
                    <Button onClick={() => void pick('bothbad')} loading={sending} data-testid="live-pick-bothbad">
                      4 · {t.bothBad}
                    </Button>
                  </Flex>
                  <Input.TextArea
                    ref={noteRef}
                    value={note}
                    onChange={(e) => setNote(e.target.value)}
                    onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLElement).blur()}
                    placeholder={`${t.note} · ${t.notePlaceholder}`}
                    autoSize={{ minRows: 1, maxRows: 4 }}
                    maxLength={2000}
                    style={{ marginTop: 12 }}
                    data-testid="live-note"
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
                    {t.keys}
                  </Typography.Text>
                </>
              ) : status === 'writing' ? (
                <Flex align="center" gap={12} data-testid="live-writing" style={{ padding: 24 }}>
                  <Spin />
                  <Typography.Text type="secondary">{t.writing}</Typography.Text>
                </Flex>
              ) : (
                <Typography.Text type="secondary">{t.status[status]}</Typography.Text>
              )}
            </Card>
          )}
          <Card size="small" title={t.picks} extra={status !== 'ended' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t.blind}</Typography.Text>}>
            {state.picks.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.noPicks} />
            ) : (
              <Flex vertical gap={4} data-testid="live-picks">
                {state.picks.map((p) => (
                  <Flex key={p.turn} gap={8} align="baseline" wrap data-testid="live-pick-row">
                    <Typography.Text type="secondary" style={{ minWidth: 48 }}>
                      #{p.turn}
                    </Typography.Text>
                    <Tag>{t.pickLabel[p.pick]}</Tag>
                    {p.winner && p.pick !== 'tie' && p.pick !== 'bothbad' && <Typography.Text>{t.won(p.winner)}</Typography.Text>}
                    {p.continued && <Typography.Text type="secondary">{t.continued(p.continued)}</Typography.Text>}
                    {p.note && <Typography.Text italic>“{p.note}”</Typography.Text>}
                  </Flex>
                ))}
              </Flex>
            )}
          </Card>
        </Flex>
      </div>
    </div>
  );
}

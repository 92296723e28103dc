import { LoadingOutlined } from '@ant-design/icons';
import type { DialogueSummary } from '@contract';
import { Badge, Card, Empty, Flex, Segmented, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { call } from '../../lib/call';
import { liveSessionsActions, useLiveSession, useLiveTurns } from '../../stores/liveSessions';
import { palette } from '../../theme';
import { CardText, ChatBubbles, endReasonColor } from '../dialogues/ChatBubbles';

// Watch one session of a run as it is written: the running sessions on the left, the chosen
// one's bubbles in the middle (tokens appear as they stream), its role card on the right.

const LIST_POLL_MS = 1500;
const reasonDot: Record<string, string> = { green: '#4e9868', gold: '#c49536', orange: '#cf7f45', red: '#c0594e', default: '#9aa5a2', blue: '#5b86b0' };

function SessionBubbles({ sessionId }: { sessionId: number }) {
  const t = useT().sim.live;
  const live = useLiveSession(sessionId);
  const [cardText, setCardText] = useState<string | null | undefined>(undefined);

  useEffect(() => {
    let alive = true;
    setCardText(undefined);
    void call(() => window.api.dialogues.get({ id: sessionId })).then((r) => {
      if (!alive || !r.ok) return;
      liveSessionsActions.hydrate(r.value);
      setCardText(r.value.cardText);
    });
    return () => {
      alive = false;
    };
  }, [sessionId]);

  return (
    <Flex gap={16} style={{ flex: 1, minWidth: 0, height: '100%' }}>
      <div style={{ flex: 1, minWidth: 0, height: '100%' }} data-testid="live-session" data-session={sessionId} data-status={live?.status ?? 'pending'}>
        {live ? (
          <ChatBubbles
            follow
            messages={live.messages}
            rejected={live.rejected}
            endReason={live.status === 'ended' ? live.endReason : null}
            endPhrase={live.endPhrase}
            error={live.error}
          />
        ) : (
          <Flex justify="center" align="center" style={{ height: '100%' }}>
            <LoadingOutlined />
          </Flex>
        )}
      </div>
      <div style={{ width: 250, flexShrink: 0, height: '100%' }}>
        {cardText === undefined ? <LoadingOutlined /> : <CardText text={cardText} title={t.roleCard} />}
      </div>
    </Flex>
  );
}

/** Turns so far: live while the session streams, else what the list said. */
function LiveTurns({ sessionId, fallback }: { sessionId: number; fallback: number }) {
  const td = useT().dlg;
  const live = useLiveTurns(sessionId);
  return <>{td.turnsN(Math.max(fallback, live.turns ?? 0))}</>;
}

export function LiveView({ runId, live }: { runId: number; live: boolean }) {
  const t = useT().sim.live;
  const td = useT().dlg;
  const [scope, setScope] = useState<'running' | 'all'>(live ? 'running' : 'all');
  const [items, setItems] = useState<DialogueSummary[]>([]);
  const [selected, setSelected] = useState<number | null>(null);

  // The parent remounts this view per run (key), so state never mixes two runs.
  useEffect(() => setScope(live ? 'running' : 'all'), [live]);

  useEffect(() => {
    let alive = true;
    const load = async () => {
      const r = await call(() =>
        window.api.dialogues.list({ runIds: [runId], ...(scope === 'running' ? { status: 'running' as const } : {}), sort: 'oldest', offset: 0, limit: 200 }),
      );
      if (alive && r.ok) setItems(r.value.items);
    };
    void load();
    const timer = live ? setInterval(() => void load(), LIST_POLL_MS) : null;
    return () => {
      alive = false;
      if (timer) clearInterval(timer);
    };
  }, [runId, scope, live]);

  // Follow the first running session until the person picks one.
  useEffect(() => {
    if (selected === null && items.length > 0) setSelected(items[0]!.id);
  }, [items, selected]);

  return (
    <Card
      data-testid="live-view"
      title={
        <Flex align="center" gap={8}>
          {live && <Badge status="processing" />}
          {live ? t.title : t.titleDone}
        </Flex>
      }
      extra={
        <Segmented
          size="small"
          value={scope}
          onChange={(v) => setScope(v as 'running' | 'all')}
          options={[
            { value: 'running', label: t.running },
            { value: 'all', label: t.all },
          ]}
        />
      }
      styles={{ body: { padding: 16 } }}
    >
      <Flex gap={16} style={{ height: 520 }}>
        <div style={{ width: 176, flexShrink: 0, overflowY: 'auto', borderInlineEnd: `1px solid ${palette.border}`, paddingInlineEnd: 8 }} data-testid="live-sessions">
          {items.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={scope === 'running' ? t.noneRunning : t.noSessions} />
          ) : (
            items.map((s) => (
              <div
                key={s.id}
                role="button"
                tabIndex={0}
                data-testid="live-session-item"
                data-session={s.id}
                onClick={() => setSelected(s.id)}
                onKeyDown={(e) => e.key === 'Enter' && setSelected(s.id)}
                style={{
                  padding: '8px 10px',
                  borderRadius: 8,
                  cursor: 'pointer',
                  marginBottom: 4,
                  background: s.id === selected ? palette.primarySoft : undefined,
                  color: s.id === selected ? palette.primary : undefined,
                }}
              >
                <Flex justify="space-between" align="center">
                  <span style={{ fontWeight: 500 }}>{t.session(s.id)}</span>
                  {s.status === 'running' ? (
                    <Badge status="processing" />
                  ) : s.endReason ? (
                    <Tooltip title={td.endReasons[s.endReason]}>
                      <Badge color={reasonDot[endReasonColor[s.endReason]]} data-testid="live-session-ended" data-reason={s.endReason} />
                    </Tooltip>
                  ) : null}
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {s.cardId !== null ? t.card(s.cardId) : t.noCardId} · <LiveTurns sessionId={s.id} fallback={s.turns} />
                </Typography.Text>
              </div>
            ))
          )}
        </div>
        {selected !== null ? (
          <SessionBubbles key={selected} sessionId={selected} />
        ) : (
          <Flex flex={1} justify="center" align="center">
            <Typography.Text type="secondary">{t.pick}</Typography.Text>
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

import type { ArenaLiveOverview, ArenaLiveState } from '@contract';
import { Alert, Button, Card, Flex, List, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../../i18n';
import { call } from '../../lib/call';
import { notifyError } from '../../lib/feedback';
import { HumanLiveForm } from './HumanLiveForm';
import { HumanLiveSession } from './HumanLiveSession';

// The arena's human live mode (issue 10, Must-have 4; src-main/arena/live.ts): start a
// session or reopen one (a session waiting for a choice shows the same pair again).

export function HumanLive() {
  const t = useT().live;
  const [overview, setOverview] = useState<ArenaLiveOverview | null>(null);
  const [open, setOpen] = useState<ArenaLiveState | null>(null);

  const load = useCallback(async () => {
    const result = await call(() => window.api.arenaLive.overview());
    if (result.ok) setOverview(result.value);
    else notifyError(t.errors.load, result.error);
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const reopen = async (arenaId: number) => {
    const result = await call(() => window.api.arenaLive.state({ arenaId }));
    if (result.ok) setOpen(result.value);
    else notifyError(t.errors.load, result.error);
  };

  if (open)
    return (
      <HumanLiveSession
        key={open.arenaId}
        initial={open}
        onBack={() => {
          setOpen(null);
          void load();
        }}
      />
    );
  return (
    <div data-testid="human-live">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {t.intro}
      </Typography.Paragraph>
      <div style={{ display: 'grid', gridTemplateColumns: 'minmax(360px, 3fr) minmax(280px, 2fr)', gap: 24, alignItems: 'start' }}>
        <Card size="small">
          {overview && overview.counselors.length < 2 && <Alert type="info" showIcon title={t.noCounselors} style={{ marginBottom: 16 }} />}
          <HumanLiveForm counselors={overview?.counselors ?? []} onStarted={setOpen} />
        </Card>
        <Card size="small" title={t.past}>
          <List
            data-testid="live-sessions"
            locale={{ emptyText: t.none }}
            dataSource={overview?.sessions ?? []}
            renderItem={(s) => (
              <List.Item
                actions={[
                  <Button key="open" size="small" onClick={() => void reopen(s.arenaId)} data-testid={`live-open-${s.arenaId}`}>
                    {t.open}
                  </Button>,
                ]}
              >
                <Flex vertical style={{ minWidth: 0 }}>
                  <Typography.Text ellipsis>{t.sessionTitle(s.counselors[0], s.counselors[1], s.cardId, s.annotator)}</Typography.Text>
                  <Flex gap={8} align="center">
                    <Tag>{t.status[s.status]}</Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t.turns(s.turns)} · {s.createdAt.slice(0, 16).replace('T', ' ')}
                    </Typography.Text>
                  </Flex>
                </Flex>
              </List.Item>
            )}
          />
        </Card>
      </div>
    </div>
  );
}

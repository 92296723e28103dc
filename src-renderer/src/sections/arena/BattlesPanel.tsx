import { CheckCircleFilled } from '@ant-design/icons';
import type { BattleView } from '@contract';
import { Alert, Badge, Card, Col, Drawer, Empty, Flex, Row, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useT, type Messages } from '../../i18n';
import { arenaActions, BATTLES_PER_PAGE, isLiveArena, selectArenaDetail, selectBattlePage, selectOpenBattle, useArenaStore } from '../../stores/arena';
import { palette } from '../../theme';
import { ChatBubbles } from '../dialogues/ChatBubbles';

// The battles of the watched arena, newest first, arriving as they are judged; one opens with
// the history both counselors replied to, both replies side by side, which won, and the
// judge's reasoning.

export function verdictTag(b: BattleView, t: Messages['arena']['battles']) {
  if (b.winner === null) return <Tag color="error">{t.failed}</Tag>;
  if (b.winner === 'tie') return <Tag>{t.tie}</Tag>;
  if (b.winner === 'tie (bothbad)') return <Tag color="warning">{t.bothBad}</Tag>;
  return <Tag color="success">{t.won(b.winner === 'model_a' ? b.modelA : b.modelB)}</Tag>;
}

function Reply({ name, text, label, won, t }: { name: string; text: string; label: string; won: boolean; t: Messages['arena']['battles'] }) {
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <Typography.Text strong>{name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t.shownAs(label)}
          </Typography.Text>
        </Flex>
      }
      extra={won ? <Tag icon={<CheckCircleFilled />} color="success">{t.winner}</Tag> : null}
      style={{ height: '100%', borderColor: won ? palette.primary : undefined, borderWidth: won ? 2 : 1 }}
      data-testid={won ? 'battle-reply-won' : 'battle-reply'}
    >
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{text}</Typography.Paragraph>
    </Card>
  );
}

function BattleDrawer() {
  const t = useT().arena.battles;
  const b = useArenaStore(selectOpenBattle);
  const other = (label: 'A' | 'B') => (label === 'A' ? 'B' : 'A');
  return (
    <Drawer open={b !== null} onClose={() => void arenaActions.openBattle(null)} size="large" title={b ? `${t.session(b.seq)} · ${t.turn(b.turn)}` : ''} data-testid="battle-drawer">
      {b && (
        <Flex vertical gap={16}>
          <Flex gap={8} align="center">
            {verdictTag(b, t)}
            <Typography.Text type="secondary">{b.judge}</Typography.Text>
          </Flex>
          <div>
            <Typography.Title level={5}>{t.history}</Typography.Title>
            <div style={{ maxHeight: 320, overflow: 'auto', background: '#fafafa', borderRadius: 8, padding: 8 }}>
              <ChatBubbles messages={b.history.map((m, index) => ({ index, role: m.role, content: m.content, attempt: null }))} height="auto" />
            </div>
          </div>
          <div>
            <Typography.Title level={5}>{t.replies}</Typography.Title>
            <Row gutter={12}>
              <Col span={12}>
                <Reply name={b.modelA} text={b.replyA} label={b.aPosition} won={b.winner === 'model_a'} t={t} />
              </Col>
              <Col span={12}>
                <Reply name={b.modelB} text={b.replyB} label={other(b.aPosition)} won={b.winner === 'model_b'} t={t} />
              </Col>
            </Row>
          </div>
          {b.swapConsistent === false && <Alert type="warning" showIcon message={t.inconsistent} />}
          {b.failure && <Alert type="error" showIcon message={t.failed} description={b.failure} />}
          {b.judgeOutput !== null && (
            <div data-testid="battle-reasoning">
              <Typography.Title level={5}>{t.reasoning}</Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 12, borderRadius: 8 }}>{b.judgeOutput}</Typography.Paragraph>
            </div>
          )}
          {b.judgeOutputSwapped !== null && (
            <div>
              <Typography.Title level={5}>{t.reasoningSwapped}</Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 12, borderRadius: 8 }}>{b.judgeOutputSwapped}</Typography.Paragraph>
            </div>
          )}
        </Flex>
      )}
    </Drawer>
  );
}

export function BattlesPanel() {
  const t = useT().arena.battles;
  const page = useArenaStore(selectBattlePage);
  const detail = useArenaStore(selectArenaDetail);
  const clip = (s: string) => (
    <Typography.Text ellipsis style={{ maxWidth: 260 }}>
      {s}
    </Typography.Text>
  );

  const columns: TableColumnsType<BattleView> = [
    { title: '#', key: 'where', width: 150, render: (_, b) => `${t.session(b.seq)} · ${t.turn(b.turn)}` },
    { title: 'A', key: 'a', render: (_, b) => (<Flex vertical><Typography.Text strong>{b.modelA}</Typography.Text>{clip(b.replyA)}</Flex>) },
    { title: 'B', key: 'b', render: (_, b) => (<Flex vertical><Typography.Text strong>{b.modelB}</Typography.Text>{clip(b.replyB)}</Flex>) },
    { title: '', key: 'verdict', width: 150, render: (_, b) => verdictTag(b, t) },
  ];

  return (
    <Flex vertical gap={8}>
      {detail && isLiveArena(detail.status) && <Badge status="processing" text={t.live} />}
      {!page || page.total === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.empty} />
      ) : (
        <Table
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={page.battles}
          data-testid="arena-battles"
          onRow={(b) => ({ onClick: () => void arenaActions.openBattle(b.id), style: { cursor: 'pointer' } })}
          pagination={{
            total: page.total,
            pageSize: BATTLES_PER_PAGE,
            current: Math.floor(page.offset / BATTLES_PER_PAGE) + 1,
            showSizeChanger: false,
            size: 'small',
            onChange: (p) => void arenaActions.pageBattles((p - 1) * BATTLES_PER_PAGE),
          }}
        />
      )}
      <BattleDrawer />
    </Flex>
  );
}

import { DeleteOutlined, StarFilled, StarOutlined } from '@ant-design/icons';
import type { DialogueDetail } from '@contract';
import { Button, Empty, Flex, Popconfirm, Select, Skeleton, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useT } from '../../i18n';
import { dialoguesActions, selectDialogueTags, selectOpenDialogue, selectOpenDialogueId, useDialoguesStore } from '../../stores/dialogues';
import { formatCost, formatTime } from '../simulations/format';
import { CardText, ChatBubbles, endReasonColor } from './ChatBubbles';

function Header({ d }: { d: DialogueDetail }) {
  const t = useT().dlg;
  const allTags = useDialoguesStore(selectDialogueTags);
  return (
    <Flex vertical gap={10} style={{ marginBottom: 12 }}>
      <Flex justify="space-between" align="center" gap={8}>
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="dialogue-title">
            {t.sessionTitle(d.id)}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
            {d.runTitle} · {d.cardId !== null ? t.cardN(d.cardId) : d.externalId ?? '—'} · {t.turnsN(d.turns)} · {t.costN(formatCost(d.cost))} · {formatTime(d.createdAt)}
          </Typography.Text>
        </Flex>
        <Flex gap={4} style={{ flexShrink: 0 }}>
          <Tooltip title={d.starred ? t.unstar : t.star}>
            <Button
              type="text"
              data-testid="dialogue-star"
              data-starred={d.starred ? 'true' : 'false'}
              aria-label={d.starred ? t.unstar : t.star}
              icon={d.starred ? <StarFilled style={{ color: '#d4a63a' }} /> : <StarOutlined />}
              onClick={() => void dialoguesActions.star(d.id, !d.starred)}
            />
          </Tooltip>
          <Popconfirm
            title={t.removeConfirm}
            description={t.removeDetail}
            okText={t.removeOk}
            cancelText={t.keep}
            okButtonProps={{ danger: true, ...({ 'data-testid': 'dialogue-remove-confirm' } as Record<string, string>) }}
            onConfirm={() => void dialoguesActions.remove(d.id)}
          >
            <Tooltip title={t.remove}>
              <Button type="text" danger icon={<DeleteOutlined />} aria-label={t.remove} data-testid="dialogue-remove" />
            </Tooltip>
          </Popconfirm>
        </Flex>
      </Flex>
      <Flex align="center" gap={8}>
        {d.endReason && (
          <Tag color={endReasonColor[d.endReason]} style={{ marginInlineEnd: 0 }}>
            {t.endReasons[d.endReason]}
          </Tag>
        )}
        <Select
          mode="tags"
          size="small"
          data-testid="dialogue-tags"
          style={{ flex: 1, minWidth: 0 }}
          placeholder={t.addTags}
          notFoundContent={null}
          value={d.tags}
          options={allTags.map((x) => ({ value: x.tag, label: x.tag }))}
          onChange={(next: string[]) => {
            const clean = [...new Set(next.map((x) => x.trim()).filter(Boolean))];
            void dialoguesActions.tag(
              d.id,
              clean.filter((x) => !d.tags.includes(x)),
              d.tags.filter((x) => !clean.includes(x)),
              clean.sort(),
            );
          }}
        />
      </Flex>
    </Flex>
  );
}

export function DialogueView({ height }: { height: number }) {
  const t = useT().dlg;
  const d = useDialoguesStore(selectOpenDialogue);
  const openId = useDialoguesStore(selectOpenDialogueId);
  if (openId === null) {
    return (
      <Flex justify="center" align="center" style={{ height }}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.pick} />
      </Flex>
    );
  }
  if (!d) return <Skeleton active />;
  const rejected = [
    ...d.messages.flatMap((m) => m.rejected.map((r) => ({ index: m.index, attempt: r.attempt, reason: r.reason, content: r.content, detail: r.detail }))),
    ...d.pendingRejected.map((r) => ({ index: d.messages.length, attempt: r.attempt, reason: r.reason, content: r.content, detail: r.detail })),
  ];
  return (
    <div data-testid="dialogue-view" data-id={d.id} style={{ height, display: 'flex', flexDirection: 'column' }}>
      <Header d={d} />
      <Tabs
        size="small"
        style={{ flex: 1, minHeight: 0 }}
        className="dialogue-tabs"
        items={[
          {
            key: 'transcript',
            label: t.transcript,
            children: (
              <div style={{ height: height - 150 }}>
                <ChatBubbles messages={d.messages} rejected={rejected} endReason={d.endReason} endPhrase={d.endPhrase} error={d.error} />
              </div>
            ),
          },
          {
            key: 'card',
            label: t.roleCard,
            children: (
              <div style={{ height: height - 150 }}>
                <CardText text={d.cardText} title={t.cardAsSeen} />
              </div>
            ),
          },
        ]}
      />
    </div>
  );
}

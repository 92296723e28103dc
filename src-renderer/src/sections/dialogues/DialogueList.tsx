import { StarFilled } from '@ant-design/icons';
import type { DialogueSummary } from '@contract';
import { Empty, Flex, Skeleton, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef } from 'react';
import { VirtualRows } from '../../components/VirtualRows';
import { useT } from '../../i18n';
import {
  dialoguesActions,
  selectDialogueRows,
  selectDialogueStatus,
  selectDialogueTotal,
  selectOpenDialogueId,
  useDialoguesStore,
} from '../../stores/dialogues';
import { palette } from '../../theme';
import { endReasonColor } from './ChatBubbles';

// The dialogues as a virtual list (components/VirtualRows): the pages behind the rows are
// read from main as they scroll into view.

const ROW_HEIGHT = 92;
const OVERSCAN = 6;

/** 【match】 in a snippet becomes a highlight. */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/(【[^】]*】)/u);
  return (
    <>
      {parts.map((p, i) =>
        p.startsWith('【') && p.endsWith('】') ? (
          <mark key={i} style={{ background: '#f6e7b8', padding: '0 1px', borderRadius: 3 }}>
            {p.slice(1, -1)}
          </mark>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}

function Row({ row, selected }: { row: DialogueSummary; selected: boolean }) {
  const t = useT().dlg;
  return (
    <div
      role="button"
      tabIndex={0}
      data-testid="dialogue-row"
      data-id={row.id}
      onClick={() => void dialoguesActions.open(row.id)}
      onKeyDown={(e) => e.key === 'Enter' && void dialoguesActions.open(row.id)}
      style={{
        height: ROW_HEIGHT - 6,
        padding: '10px 14px',
        borderRadius: 10,
        cursor: 'pointer',
        background: selected ? palette.primarySoft : '#fff',
        border: `1px solid ${selected ? '#cfe3df' : palette.border}`,
        overflow: 'hidden',
        boxSizing: 'border-box',
      }}
    >
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text strong ellipsis style={{ minWidth: 0 }}>
          {row.starred && <StarFilled style={{ color: '#d4a63a', marginInlineEnd: 6 }} />}
          {t.sessionTitle(row.id)} <Typography.Text type="secondary" style={{ fontWeight: 400, fontSize: 12 }}>· {row.runTitle}</Typography.Text>
        </Typography.Text>
        <Flex gap={4} style={{ flexShrink: 0 }}>
          {row.endReason && (
            <Tag color={endReasonColor[row.endReason]} style={{ marginInlineEnd: 0 }}>
              {t.endReasonsShort[row.endReason]}
            </Tag>
          )}
          <Tag style={{ marginInlineEnd: 0 }}>{t.turnsN(row.turns)}</Tag>
        </Flex>
      </Flex>
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: '4px 0 0', fontSize: 13, lineHeight: 1.55 }}>
        {row.snippet ? <Snippet text={row.snippet} /> : row.preview || '—'}
        {row.tags.length > 0 && <span style={{ marginInlineStart: 6, color: palette.primary }}>{row.tags.map((x) => `#${x}`).join(' ')}</span>}
      </Typography.Paragraph>
    </div>
  );
}

export function DialogueList({ height }: { height: number }) {
  const t = useT().dlg;
  const total = useDialoguesStore(selectDialogueTotal);
  const rows = useDialoguesStore(selectDialogueRows);
  const status = useDialoguesStore(selectDialogueStatus);
  const openId = useDialoguesStore(selectOpenDialogueId);
  const generation = useDialoguesStore((s) => s.generation);
  const range = useRef<[number, number]>([0, 0]);

  // The store reads pages by a half-open range [from, to).
  const onRange = useCallback((first: number, last: number) => {
    range.current = [first, last + 1];
    dialoguesActions.ensureRange(first, last + 1);
  }, []);

  // A refresh replaced the rows: the pages in view are read again.
  useEffect(() => {
    dialoguesActions.ensureRange(...range.current);
  }, [total, rows]);

  if (status === 'loading' || status === 'idle') return <Skeleton active />;
  if (total === 0) return <Empty style={{ marginTop: 48 }} description={t.noMatches} data-testid="dialogues-empty" />;

  return (
    <VirtualRows
      // A new filter starts at the top.
      key={generation}
      count={total}
      rowHeight={ROW_HEIGHT}
      height={height}
      overscan={OVERSCAN}
      onRange={onRange}
      testId="dialogue-list"
      data={{ 'data-total': total }}
      renderRow={(i) => {
        const row = rows[i];
        return (
          <div style={{ paddingInlineEnd: 4 }}>
            {row ? <Row row={row} selected={row.id === openId} /> : <Skeleton.Input active block style={{ height: ROW_HEIGHT - 6 }} />}
          </div>
        );
      }}
    />
  );
}

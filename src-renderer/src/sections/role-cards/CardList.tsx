import { traits, type Level, type RoleCardSummary, type Trait } from '@contract';
import { Checkbox, Empty, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { memo, useCallback, useEffect, useRef, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { useT, type Messages } from '../../i18n';
import { otherCards, type DuplicateFlag } from '../../lib/duplicate-flags';
import { isSelected, PAGE_SIZE, roleCardsActions, rowAt, useRoleCardsStore } from '../../stores/roleCards';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import { levelName, profileLine, traitName } from './format';
import { VirtualRows, type VirtualRowsHandle } from '../../components/VirtualRows';

// The pool as a virtual list: rows are read page by page as they scroll into view.

export const ROW_HEIGHT = 104;
const levelStep: Record<Level, number> = { low: 1, moderately_low: 2, moderate: 3, moderately_high: 4, high: 5 };

/** The Big Five and resistance at a glance: six small bars, 1–5 steps high; an empty one where the text names no level. */
function TraitBars({ card, t }: { card: RoleCardSummary; t: Messages['cards'] }) {
  const locale = useSettingsStore(selectLocale);
  const bars: { key: Trait | 'resistance'; level: Level | null }[] = [
    ...traits.map((trait) => ({ key: trait, level: card.levels[trait] })),
    { key: 'resistance', level: card.resistance },
  ];
  const title = (
    <div style={{ fontSize: 12, lineHeight: 1.7 }}>
      {bars.map((b) => (
        <div key={b.key}>
          {b.key === 'resistance' ? t.editor.sections.resistance : traitName(b.key, locale)}: {b.level ? levelName(b.level, t) : t.editor.reading.freeText}
        </div>
      ))}
    </div>
  );
  return (
    <Tooltip title={title} placement="left" mouseEnterDelay={0.3}>
      <div style={{ display: 'flex', gap: 5, alignItems: 'flex-end', flexShrink: 0 }} aria-hidden="true">
        {bars.map((b) => (
          <div key={b.key} style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', gap: 3 }}>
            <div
              style={{
                width: 8,
                height: 25,
                borderRadius: 3,
                background: b.level ? palette.layout : undefined,
                boxShadow: b.level ? undefined : `inset 0 0 0 1px ${palette.border}`,
                display: 'flex',
                alignItems: 'flex-end',
              }}
              data-level={b.level ?? 'free'}
            >
              {b.level && (
                <div
                  style={{
                    width: '100%',
                    height: `${levelStep[b.level] * 20}%`,
                    borderRadius: 3,
                    background: b.key === 'resistance' ? '#c9a25a' : palette.primary,
                    opacity: 0.45 + levelStep[b.level] * 0.11,
                  }}
                />
              )}
            </div>
            <span style={{ fontSize: 10, color: palette.textSecondary, lineHeight: 1 }}>{t.traitInitials[b.key]}</span>
          </div>
        ))}
      </div>
    </Tooltip>
  );
}

/** Marks the search words in a text (plain substring match, as the search itself). */
export function highlight(text: string, query: string): ReactNode {
  const words = query.split(/\s+/u).filter(Boolean);
  if (words.length === 0) return text;
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  return text.split(pattern).map((part, i) =>
    i % 2 === 1 ? (
      <mark key={i} style={{ background: '#f6e7b8', color: 'inherit', padding: 0, borderRadius: 2 }}>
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

interface RowProps {
  index: number;
  card: RoleCardSummary | undefined;
  selected: boolean;
  active: boolean;
  flag: DuplicateFlag | undefined;
  query: string;
  t: Messages['cards'];
  onToggle: (index: number, id: number, event: MouseEvent) => void;
  onOpen: (index: number, id: number) => void;
}

const CardRow = memo(function CardRow({ index, card, selected, active, flag, query, t, onToggle, onOpen }: RowProps) {
  if (!card) {
    return (
      <div style={{ padding: '16px 20px 0 52px', height: ROW_HEIGHT, borderBottom: `1px solid ${palette.border}` }} data-testid="card-row-loading">
        <Skeleton active title={{ width: '40%' }} paragraph={{ rows: 2, width: ['90%', '60%'] }} />
      </div>
    );
  }
  const others = flag ? otherCards(flag, card.id) : undefined;
  const dupIds = others ? others.ids.map((id) => `#${id}`).join(' ') + (others.more ? ' …' : '') : '';
  return (
    <div
      data-testid="card-row"
      data-id={card.id}
      data-index={index}
      aria-selected={selected}
      onClick={() => onOpen(index, card.id)}
      className="simpsy-card-row"
      style={{
        display: 'flex',
        gap: 14,
        alignItems: 'flex-start',
        height: ROW_HEIGHT,
        padding: '14px 20px 12px 16px',
        boxSizing: 'border-box',
        borderBottom: `1px solid ${palette.border}`,
        cursor: 'pointer',
        background: selected ? '#f1f7f5' : active ? '#f8faf9' : undefined,
        boxShadow: active ? `inset 3px 0 0 ${palette.primary}` : undefined,
      }}
    >
      <div onClick={(e) => e.stopPropagation()} style={{ paddingTop: 1 }}>
        <Checkbox
          checked={selected}
          aria-label={t.list.select(card.id)}
          data-testid="card-row-select"
          tabIndex={-1}
          onClick={(e) => onToggle(index, card.id, e)}
        />
      </div>
      <div style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: 4 }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
          <Typography.Text type="secondary" style={{ fontVariantNumeric: 'tabular-nums', fontSize: 13, flexShrink: 0 }}>
            #{card.id}
          </Typography.Text>
          <Typography.Text strong ellipsis style={{ fontSize: 14.5, minWidth: 0 }} data-testid="card-row-profile">
            {highlight(profileLine(card, t), query)}
          </Typography.Text>
          <span style={{ flex: 1 }} />
          {flag && (
            <Tooltip title={flag.kind === 'exact' ? t.dup.exactDetail(dupIds) : t.dup.nearDetail(dupIds, Math.round(flag.similarity * 100))}>
              <Tag color={flag.kind === 'exact' ? 'orange' : 'gold'} style={{ marginInlineEnd: 0 }} data-testid="card-row-dup" data-kind={flag.kind}>
                {flag.kind === 'exact' ? t.dup.exact : t.dup.near}
              </Tag>
            </Tooltip>
          )}
          <Tag color={card.split === 'test' ? 'purple' : undefined} style={{ marginInlineEnd: 0 }} data-testid="card-row-split">
            {t.splitNames[card.split]}
          </Tag>
        </div>
        <div
          style={{
            fontSize: 13,
            lineHeight: '20px',
            color: palette.textSecondary,
            display: '-webkit-box',
            WebkitLineClamp: 2,
            WebkitBoxOrient: 'vertical',
            overflow: 'hidden',
            wordBreak: 'break-word',
          }}
          data-testid="card-row-complaint"
        >
          {highlight(card.complaintPreview, query)}
        </div>
        <div style={{ display: 'flex', gap: 6, alignItems: 'center', minWidth: 0, overflow: 'hidden', whiteSpace: 'nowrap', fontSize: 12 }}>
          {card.tags.slice(0, 4).map((tag) => (
            <Tag key={tag} variant="filled" style={{ marginInlineEnd: 0, fontSize: 12, lineHeight: '18px' }}>
              {tag}
            </Tag>
          ))}
          {card.tags.length > 4 && <Typography.Text type="secondary" style={{ fontSize: 12 }}>+{card.tags.length - 4}</Typography.Text>}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {card.tags.length > 0 ? '· ' : ''}
            {t.list.chars(card.complaintLength)}
            {card.language !== 'zh' || card.tags.length === 0 ? ` · ${t.languageNames[card.language]}` : ''}
          </Typography.Text>
        </div>
      </div>
      <TraitBars card={card} t={t} />
    </div>
  );
});

/** The list itself; `onOpen` opens a card in the editor. */
export function CardList({ height, onOpen }: { height: number; onOpen: (id: number) => void }) {
  const t = useT().cards;
  const total = useRoleCardsStore((s) => s.total);
  const pages = useRoleCardsStore((s) => s.pages);
  const selection = useRoleCardsStore((s) => s.selection);
  const activeIndex = useRoleCardsStore((s) => s.activeIndex);
  const flags = useRoleCardsStore((s) => s.duplicates.flags);
  const query = useRoleCardsStore((s) => s.filter.query);
  const dataVersion = useRoleCardsStore((s) => s.dataVersion);
  const queryVersion = useRoleCardsStore((s) => s.queryVersion);
  const status = useRoleCardsStore((s) => s.status);
  const list = useRef<VirtualRowsHandle>(null);
  const range = useRef<[number, number]>([0, 20]);
  const anchor = useRef<number | null>(null);
  
  const onRange = useCallback((first: number, last: number) => {
    range.current = [first, last];
    roleCardsActions.ensureRange(first, last);
  }, []);

  // Cards changed: the rows in view are read again.
  useEffect(() => {
    roleCardsActions.ensureRange(...range.current);
  }, [dataVersion]);

  const onToggle = useCallback((index: number, id: number, event: MouseEvent) => {
    const state = useRoleCardsStore.getState();
    if (event.shiftKey && anchor.current !== null) {
      roleCardsActions.selectRange(anchor.current, index, !isSelected(state, id));
    } else {
      if (state.selection.mode === 'filter') roleCardsActions.clearSelection();
      roleCardsActions.toggle(id);
    }
    anchor.current = index;
    roleCardsActions.setActive(index);
  }, []);

  const open = useCallback(
    (index: number, id: number) => {
      roleCardsActions.setActive(index);
      onOpen(id);
    },
    [onOpen],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const count = total ?? 0;
    if (count === 0) return;
    const state = useRoleCardsStore.getState();
    const move = (to: number) => {
      const index = Math.max(0, Math.min(count - 1, to));
      roleCardsActions.setActive(index);
      list.current?.reveal(index);
    };
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        move(state.activeIndex + 1);
        break;
      case 'ArrowUp':
        move(state.activeIndex - 1);
        break;
      case 'PageDown':
        move(state.activeIndex + page);
        break;
      case 'PageUp':
        move(state.activeIndex - page);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(count - 1);
        break;
      case 'Enter': {
        const card = rowAt(state, state.activeIndex);
        if (card) open(state.activeIndex, card.id);
        break;
      }
      case ' ': {
        const card = rowAt(state, state.activeIndex);
        if (card) roleCardsActions.toggle(card.id);
        break;
      }
      case 'a':
        if (!(event.ctrlKey || event.metaKey)) return;
        roleCardsActions.selectAllMatching();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  if (total === 0) {
    return (
      <div style={{ height, display: 'grid', placeItems: 'center' }} data-testid="card-list-empty">
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.list.noMatch} />
      </div>
    );
  }
  if (total === null && status !== 'ready') {
    return (
      <div style={{ height, padding: 20 }}>
        <Skeleton active paragraph={{ rows: 6 }} />
      </div>
    );
  }

  return (
    <VirtualRows
      // A new query starts at the top.
      key={queryVersion}
      ref={list}
      count={total ?? 0}
      rowHeight={ROW_HEIGHT}
      height={height}
      initialScrollTop={useRoleCardsStore.getState().scrollTop}
      onRange={onRange}
      onScrollTop={roleCardsActions.rememberScroll}
      onKeyDown={onKeyDown}
      ariaLabel={t.list.keyboardHint}
      testId="card-list"
      renderRow={(index) => {
        const card = pages[Math.floor(index / PAGE_SIZE)]?.items[index % PAGE_SIZE];
        return (
          <CardRow
            index={index}
            card={card}
            selected={card ? selection.mode === 'filter' || selection.ids.has(card.id) : false}
            active={index === activeIndex}
            flag={card ? flags.get(card.id) : undefined}
            query={query}
            t={t}
            onToggle={onToggle}
            onOpen={open}
          />
        );
      }}
    />
  );
}

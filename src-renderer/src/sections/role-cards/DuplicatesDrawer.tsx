import type { RoleCardView } from '@contract';
import { Button, Drawer, Empty, Flex, Progress, Slider, Spin, Tag, Typography } from 'antd';
import { useEffect, useEffectEvent, useState } from 'react';
import { useT } from '../../i18n';
import { percent } from '../../lib/job-progress';
import { roleCardsActions, useRoleCardsStore } from '../../stores/roleCards';
import { palette } from '../../theme';
import { profileLine } from './format';

/** Exact and near-duplicate complaints, group by group, with the cards side by side. */
/** Cards listed per group; a group of thousands (a generated pool) says how many more. */
const CARDS_SHOWN = 50;

export function DuplicatesDrawer({ open, onClose, onOpenCard }: { open: boolean; onClose: () => void; onOpenCard: (id: number) => void }) {
  const t = useT().cards;
  const td = t.dup;
  const { status, groups, progress } = useRoleCardsStore((s) => s.duplicates);
  const [threshold, setThreshold] = useState(0.7);
  const [cards, setCards] = useState<Record<number, RoleCardView>>({});

  // The cards of the first groups, to show what each complaint says. Cards already here are
  // not read again, and reading them is no reason to look again.
  const notHere = useEffectEvent((ids: number[]) => ids.filter((id) => !cards[id]));
  useEffect(() => {
    if (!open) return;
    const ids = notHere([...new Set(groups.slice(0, 30).flatMap((g) => g.cardIds))]).slice(0, 80);
    if (ids.length === 0) return;
    let live = true;
    void Promise.all(ids.map((id) => window.api.cards.get({ id }).catch(() => null))).then((results) => {
      if (!live) return;
      const next: Record<number, RoleCardView> = {};
      for (const r of results) if (r?.ok) next[r.value.id] = r.value;
      setCards((c) => ({ ...c, ...next }));
    });
    return () => {
      live = false;
    };
  }, [open, groups]);

  return (
    <Drawer open={open} onClose={onClose} title={td.panelTitle} size={560} destroyOnHidden>
      <Flex vertical gap={16} data-testid="duplicates-panel">
        <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
          {td.panelHelp}
        </Typography.Paragraph>
        <Flex align="center" gap={16}>
          <Typography.Text style={{ flexShrink: 0 }}>{td.threshold}</Typography.Text>
          <Slider min={0.5} max={1} step={0.05} value={threshold} onChange={setThreshold} style={{ flex: 1 }} tooltip={{ formatter: (v) => `${Math.round((v ?? 0) * 100)}%` }} />
          <Typography.Text style={{ width: 40, fontVariantNumeric: 'tabular-nums' }}>{Math.round(threshold * 100)}%</Typography.Text>
          {/* Never disabled while a search runs (its progress shows below): checking again, e.g. at
              another threshold, replaces the search that runs after every change to the cards. */}
          <Button onClick={() => void roleCardsActions.loadDuplicates(threshold)} data-testid="duplicates-check">
            {status === 'loading' ? td.checking : td.check}
          </Button>
        </Flex>
        {status === 'loading' && progress && (
          // A large pool is searched in the background: how far it is, and a way to stop it.
          <Flex align="center" gap={12} data-testid="duplicates-progress" data-percent={percent(progress)}>
            <Flex vertical style={{ flex: 1 }}>
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                {td.comparing(percent(progress))}
              </Typography.Text>
              <Progress percent={percent(progress)} size="small" showInfo={false} />
            </Flex>
            <Button size="small" onClick={() => void roleCardsActions.stopDuplicates()} data-testid="duplicates-stop">
              {td.stop}
            </Button>
          </Flex>
        )}
        {status === 'loading' && groups.length === 0 && !progress ? (
          <Spin />
        ) : groups.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={td.none} />
        ) : (
          <>
            <Typography.Text strong>{td.groups(groups.length)}</Typography.Text>
            {groups.map((g, i) => {
              // A loop, not Math.max(...pairs): a group can hold millions of pairs.
              let best = 0;
              for (const pair of g.pairs) if (pair.similarity > best) best = pair.similarity;
              return (
                <div key={i} style={{ border: `1px solid ${palette.border}`, borderRadius: 10, overflow: 'hidden' }} data-testid="duplicate-group">
                  <Flex justify="space-between" style={{ padding: '8px 14px', background: palette.layout }}>
                    <Typography.Text strong style={{ fontSize: 13 }}>
                      {td.group(g.kind, g.cardIds.length)}
                    </Typography.Text>
                    <Tag color={g.kind === 'exact' ? 'orange' : 'gold'} style={{ marginInlineEnd: 0 }}>
                      {g.kind === 'exact' ? td.exact : td.similarity(Math.round(best * 100))}
                    </Tag>
                  </Flex>
                  {g.cardIds.slice(0, CARDS_SHOWN).map((id) => {
                    const card = cards[id];
                    return (
                      <Flex key={id} gap={10} align="flex-start" style={{ padding: '8px 14px', borderTop: `1px solid ${palette.border}` }}>
                        <Typography.Text type="secondary" style={{ fontSize: 13, flexShrink: 0, paddingTop: 1 }}>
                          #{id}
                        </Typography.Text>
                        <div style={{ flex: 1, minWidth: 0 }}>
                          {card && (
                            <>
                              <Typography.Text strong style={{ fontSize: 13 }}>
                                {profileLine(card, t)} · {t.splitNames[card.split]}
                              </Typography.Text>
                              <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ fontSize: 12.5, margin: 0 }}>
                                {card.chiefComplaint}
                              </Typography.Paragraph>
                            </>
                          )}
                        </div>
                        <Button size="small" onClick={() => onOpenCard(id)}>
                          {td.open}
                        </Button>
                      </Flex>
                    );
                  })}
                  {g.cardIds.length > CARDS_SHOWN && (
                    <Typography.Text type="secondary" style={{ display: 'block', padding: '8px 14px', fontSize: 13, borderTop: `1px solid ${palette.border}` }} data-testid="duplicate-group-more">
                      {td.moreCards(g.cardIds.length - CARDS_SHOWN)}
                    </Typography.Text>
                  )}
                </div>
              );
            })}
          </>
        )}
      </Flex>
    </Drawer>
  );
}

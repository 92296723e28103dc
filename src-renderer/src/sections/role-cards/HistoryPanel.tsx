import { HistoryOutlined, RollbackOutlined } from '@ant-design/icons';
import { traits, type RoleCardFields, type RoleCardRevision } from '@contract';
import { Button, Empty, Flex, Popconfirm, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useT, type Messages } from '../../i18n';
import { call } from '../../lib/call';
import { notifyError } from '../../lib/feedback';
import { cardEditorActions, useCardEditorStore } from '../../stores/cardEditor';
import { selectLocale, useSettingsStore } from '../../stores/settings';
import { palette } from '../../theme';
import { diffFields, fieldName, formatTime, reasonText } from './format';

/** What a field held in an older version, in a few words. */
function oldValues(before: RoleCardFields, now: RoleCardFields, t: Messages['cards'], locale: 'zh' | 'en'): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  const short = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s) || '—';
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['chiefComplaint', 'gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships'] as const) {
    if (!same(before[key], now[key])) out.push({ name: fieldName(key, t, locale), value: short(before[key]) });
  }
  for (const trait of traits) {
    if (!same(before.bigFive[trait], now.bigFive[trait])) out.push({ name: fieldName(trait, t, locale), value: short(before.bigFive[trait]) });
  }
  if (!same(before.resistance, now.resistance)) out.push({ name: fieldName('resistance', t, locale), value: short(before.resistance) });
  if (!same(before.extras, now.extras)) {
    out.push({ name: fieldName('extras', t, locale), value: short(before.extras.map((e) => (e.label ? `${e.label}：${e.value}` : e.value)).join(' · ')) });
  }
  if (before.split !== now.split) out.push({ name: t.fields.split, value: t.splitLong[before.split] });
  if (before.language !== now.language) out.push({ name: t.fields.language, value: t.languageNames[before.language] });
  if (!same(before.tags, now.tags)) out.push({ name: t.fields.tags, value: before.tags.join(locale === 'zh' ? '、' : ', ') || '—' });
  return out;
}

export function HistoryPanel() {
  const t = useT().cards;
  const th = t.history;
  const locale = useSettingsStore(selectLocale);
  const target = useCardEditorStore((s) => s.target);
  const base = useCardEditorStore((s) => s.base);
  const savedVersion = useCardEditorStore((s) => s.savedVersion);
  const [revisions, setRevisions] = useState<RoleCardRevision[] | null>(null);
  const id = target?.kind === 'card' ? target.id : null;

  useEffect(() => {
    if (id === null) return;
    let live = true;
    void call(() => window.api.cards.history({ id })).then((result) => {
      if (!live) return;
      if (result.ok) setRevisions(result.value);
      else notifyError(th.load, result.error);
    });
    return () => {
      live = false;
    };
  }, [id, savedVersion, th.load]);

  if (id === null) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={th.emptyNew} />;
  if (!revisions) return <Skeleton active paragraph={{ rows: 5 }} />;

  return (
    <Flex vertical gap={12} data-testid="history-panel">
      <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
        {th.help}
      </Typography.Paragraph>
      {revisions.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={th.empty} />
      ) : (
        <div style={{ position: 'relative', paddingInlineStart: 18 }}>
          <div style={{ position: 'absolute', insetInlineStart: 5, top: 8, bottom: 8, width: 2, background: palette.border, borderRadius: 1 }} />
          {revisions.map((rev) => {
            const now = base;
            const changes = now ? oldValues(rev.card, now, t, locale) : [];
            const differs = now ? diffFields(rev.card, now, t, locale) : [];
            return (
              <div key={rev.id} style={{ position: 'relative', paddingBottom: 14 }} data-testid="history-entry" data-revision={rev.id}>
                <div
                  style={{ position: 'absolute', insetInlineStart: -18, top: 6, width: 12, height: 12, borderRadius: '50%', background: '#fff', border: `2px solid ${palette.primary}` }}
                />
                <Flex justify="space-between" align="flex-start" gap={8}>
                  <div style={{ minWidth: 0 }}>
                    <Typography.Text strong style={{ fontSize: 13.5 }} data-testid="history-reason">
                      {reasonText(rev.reason, t, locale)}
                    </Typography.Text>
                    <br />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      <HistoryOutlined style={{ marginInlineEnd: 4 }} />
                      {formatTime(rev.createdAt, locale)}
                    </Typography.Text>
                  </div>
                  <Popconfirm
                    title={th.revertTitle}
                    description={th.revertDetail}
                    okText={th.revertOk}
                    cancelText={t.bulk.cancel}
                    okButtonProps={{ ...{ 'data-testid': 'history-revert-confirm' } }}
                    onConfirm={() => cardEditorActions.revert(rev.id)}
                    disabled={differs.length === 0}
                  >
                    <Button size="small" icon={<RollbackOutlined />} disabled={differs.length === 0} data-testid="history-revert">
                      {th.revert}
                    </Button>
                  </Popconfirm>
                </Flex>
                <div style={{ marginTop: 6, background: palette.layout, borderRadius: 8, padding: '6px 10px', fontSize: 12.5 }}>
                  {changes.length === 0 ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12.5 }}>
                      {th.same}
                    </Typography.Text>
                  ) : (
                    <>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {th.differs}
                      </Typography.Text>
                      {changes.map((c) => (
                        <div key={c.name} style={{ lineHeight: 1.6 }}>
                          <Typography.Text style={{ fontSize: 12.5 }} strong>
                            {c.name}
                          </Typography.Text>
                          <Typography.Text type="secondary" style={{ fontSize: 12.5 }}>
                            {locale === 'zh' ? '：' : ': '}
                            {c.value}
                          </Typography.Text>
                        </div>
                      ))}
                    </>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      )}
    </Flex>
  );
}

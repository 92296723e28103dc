import { CloseOutlined, DeleteOutlined, DownOutlined, ExportOutlined, TagOutlined, TagsOutlined } from '@ant-design/icons';
import type { Split } from '@contract';
import { Button, Dropdown, Flex, Popconfirm, Popover, Select, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { roleCardsActions, selectSelectedCount, useRoleCardsStore } from '../../stores/roleCards';
import { palette } from '../../theme';

function TagPicker({ mode, onDone }: { mode: 'add' | 'remove'; onDone: () => void }) {
  const t = useT().cards;
  const tags = useRoleCardsStore((s) => s.tags);
  const [value, setValue] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const apply = async () => {
    if (value.length === 0) return;
    setBusy(true);
    const ok = await roleCardsActions.bulk(mode === 'add' ? { kind: 'addTags', tags: value } : { kind: 'removeTags', tags: value });
    setBusy(false);
    if (ok) onDone();
  };
  return (
    // Apply sits beside the field, not under it: the open options list would cover it.
    <Flex gap={8} align="start" style={{ width: 360 }}>
      <Select<string[]>
        mode={mode === 'add' ? 'tags' : 'multiple'}
        autoFocus
        value={value}
        onChange={(v) => setValue(v.map((x) => x.trim()).filter(Boolean))}
        tokenSeparators={[',', '，', ';', '；']}
        placeholder={t.bulk.tagPlaceholder}
        options={tags.map((tag) => ({ value: tag.tag, label: `${tag.tag} (${tag.count})` }))}
        style={{ flex: 1, minWidth: 0 }}
        data-testid={`bulk-${mode}-tags-input`}
      />
      <Button type="primary" loading={busy} disabled={value.length === 0} onClick={() => void apply()} data-testid={`bulk-${mode}-tags-apply`}>
        {t.bulk.apply}
      </Button>
    </Flex>
  );
}

/** What can be done to the selected cards (or to every card the filter matches). */
export function BulkBar({ onExport }: { onExport: () => void }) {
  const t = useT().cards;
  const count = useRoleCardsStore(selectSelectedCount);
  const mode = useRoleCardsStore((s) => s.selection.mode);
  const total = useRoleCardsStore((s) => s.total ?? 0);
  const [open, setOpen] = useState<'add' | 'remove' | null>(null);
  if (count === 0) return null;

  return (
    <Flex
      align="center"
      gap={8}
      wrap
      data-testid="bulk-bar"
      style={{ padding: '8px 12px', borderRadius: 10, background: palette.primarySoft, border: `1px solid #cfe3df` }}
    >
      <Typography.Text strong style={{ color: palette.primary }} data-testid="bulk-count">
        {mode === 'filter' ? t.bulk.allMatching(count) : t.bulk.selected(count)}
      </Typography.Text>
      {mode === 'ids' && total > count && (
        <Button size="small" type="link" onClick={() => roleCardsActions.selectAllMatching()} data-testid="bulk-select-all">
          {t.bulk.selectAllMatching(total)}
        </Button>
      )}
      <span style={{ flex: 1 }} />
      <Popover open={open === 'add'} onOpenChange={(o) => setOpen(o ? 'add' : null)} trigger="click" destroyOnHidden content={<TagPicker mode="add" onDone={() => setOpen(null)} />}>
        <Button size="small" icon={<TagOutlined />} data-testid="bulk-add-tags">
          {t.bulk.addTag}
        </Button>
      </Popover>
      <Popover open={open === 'remove'} onOpenChange={(o) => setOpen(o ? 'remove' : null)} trigger="click" destroyOnHidden content={<TagPicker mode="remove" onDone={() => setOpen(null)} />}>
        <Button size="small" icon={<TagsOutlined />} data-testid="bulk-remove-tags">
          {t.bulk.removeTag}
        </Button>
      </Popover>
      <Dropdown
        trigger={['click']}
        menu={{
          items: (['pool', 'test'] as Split[]).map((split) => ({
            key: split,
            label: <span data-testid={`bulk-move-${split}`}>{t.splitLong[split]}</span>,
            onClick: () => void roleCardsActions.bulk({ kind: 'setSplit', split }),
          })),
        }}
      >
        <Button size="small" data-testid="bulk-move">
          {t.bulk.moveTo} <DownOutlined />
        </Button>
      </Dropdown>
      <Button size="small" icon={<ExportOutlined />} onClick={onExport} data-testid="bulk-export">
        {t.bulk.exportSelected}
      </Button>
      <Popconfirm
        title={t.bulk.deleteTitle(count)}
        description={<div style={{ maxWidth: 280 }}>{t.bulk.deleteDetail}</div>}
        okText={t.bulk.deleteOk}
        cancelText={t.bulk.cancel}
        okButtonProps={{ danger: true, ...{ 'data-testid': 'bulk-delete-confirm' } }}
        onConfirm={() => roleCardsActions.bulk({ kind: 'delete' })}
      >
        <Button size="small" danger icon={<DeleteOutlined />} data-testid="bulk-delete">
          {t.bulk.delete}
        </Button>
      </Popconfirm>
      <Button size="small" type="text" icon={<CloseOutlined />} onClick={() => roleCardsActions.clearSelection()} data-testid="bulk-clear">
        {t.bulk.clear}
      </Button>
    </Flex>
  );
}

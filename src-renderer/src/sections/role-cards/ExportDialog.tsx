import { CheckCircleFilled, FolderOpenOutlined, SaveOutlined } from '@ant-design/icons';
import type { CardExportInput, CardFormat, ExportResult } from '@contract';
import { Alert, Button, Flex, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { useOnOpen } from '../../lib/use-on-open';
import { errorText, roleCardsActions, selectIsFiltered, selectSelectedCount, toCardFilter, useRoleCardsStore } from '../../stores/roleCards';
import { palette } from '../../theme';

type Scope = 'all' | 'filtered' | 'selected';

const defaultNames: Record<Exclude<CardFormat, 'paper'>, string> = {
  json: 'role-cards.json',
  jsonl: 'role-cards.jsonl',
  csv: 'role-cards.csv',
};

export function ExportDialog({ open, preferSelected, onClose }: { open: boolean; preferSelected: boolean; onClose: () => void }) {
  const t = useT().cards;
  const te = t.exporter;
  const counts = useRoleCardsStore((s) => s.counts);
  const total = useRoleCardsStore((s) => s.total ?? 0);
  const filtered = useRoleCardsStore(selectIsFiltered);
  const selected = useRoleCardsStore(selectSelectedCount);
  const [format, setFormat] = useState<CardFormat>('json');
  const [scope, setScope] = useState<Scope>('all');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useOnOpen(open, () => {
    setResult(null);
    setError(null);
    setScope(preferSelected && selected > 0 ? 'selected' : filtered ? 'filtered' : 'all');
  });

  const run = async () => {
    setError(null);
    const path = await roleCardsActions.choosePath(format === 'paper' ? 'open-folder' : 'save-file', {
      format,
      ...(format === 'paper' ? {} : { defaultName: defaultNames[format] }),
    });
    if (!path) return;
    setBusy(true);
    const s = useRoleCardsStore.getState();
    const target: Partial<CardExportInput> =
      scope === 'selected'
        ? s.selection.mode === 'filter'
          ? { filter: toCardFilter(s.filter) }
          : { ids: [...s.selection.ids] }
        : scope === 'filtered'
          ? { filter: toCardFilter(s.filter) }
          : {};
    const exported = await roleCardsActions.exportCards({ path, format, ...target });
    setBusy(false);
    if (!exported) return; // the person kept the existing file
    if (exported.ok) setResult(exported.value);
    else setError(errorText(exported.error));
  };

  const scopes: { value: Scope; label: string; show: boolean }[] = [
    { value: 'all', label: te.all(counts?.all ?? 0), show: true },
    { value: 'filtered', label: te.filtered(total), show: filtered },
    { value: 'selected', label: te.selected(selected), show: selected > 0 },
  ];

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={te.title}
      width={620}
      destroyOnHidden
      footer={
        result ? (
          <Button type="primary" onClick={onClose} data-testid="export-close">
            {te.close}
          </Button>
        ) : (
          <Flex justify="end" gap={8}>
            <Button onClick={onClose}>{t.importer.cancel}</Button>
            <Button
              type="primary"
              icon={format === 'paper' ? <FolderOpenOutlined /> : <SaveOutlined />}
              loading={busy}
              onClick={() => void run()}
              data-testid="export-choose"
            >
              {te.choose}
            </Button>
          </Flex>
        )
      }
    >
      {result ? (
        <Flex vertical gap={10} data-testid="export-done" data-count={result.count}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            <CheckCircleFilled style={{ color: '#4e9868', marginInlineEnd: 8 }} />
            {te.done(result.count)}
          </Typography.Title>
          <Typography.Text type="secondary">{te.files(result.files.length)}</Typography.Text>
          <div style={{ background: palette.layout, borderRadius: 8, padding: '8px 12px', maxHeight: 180, overflow: 'auto' }}>
            {(result.files.length === 1 ? result.files : [result.path]).map((f) => (
              <Typography.Text key={f} code copyable style={{ display: 'block', wordBreak: 'break-all', fontSize: 12.5 }} data-testid="export-file">
                {f}
              </Typography.Text>
            ))}
          </div>
        </Flex>
      ) : (
        <Flex vertical gap={18}>
          <Flex vertical gap={6}>
            <Typography.Text strong>{te.what}</Typography.Text>
            <Radio.Group value={scope} onChange={(e) => setScope(e.target.value as Scope)} style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
              {scopes
                .filter((s) => s.show)
                .map((s) => (
                  <Radio key={s.value} value={s.value} data-testid={`export-scope-${s.value}`}>
                    {s.label}
                  </Radio>
                ))}
            </Radio.Group>
          </Flex>
          <Flex vertical gap={6}>
            <Typography.Text strong>{te.format}</Typography.Text>
            <Radio.Group value={format} onChange={(e) => setFormat(e.target.value as CardFormat)} optionType="button" buttonStyle="solid">
              {(['json', 'jsonl', 'csv', 'paper'] as CardFormat[]).map((f) => (
                <Radio.Button key={f} value={f}>
                  <span data-testid={`export-format-${f}`}>{t.importer.formats[f]}</span>
                </Radio.Button>
              ))}
            </Radio.Group>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              {te.formatHelp[format]}
            </Typography.Text>
          </Flex>
          {error && <Alert type="error" showIcon title={te.failed} description={error} style={{ whiteSpace: 'pre-wrap' }} data-testid="export-error" />}
        </Flex>
      )}
    </Modal>
  );
}

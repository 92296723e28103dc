import { DownloadOutlined, FileOutlined, FolderOpenOutlined, IdcardOutlined, ImportOutlined, SearchOutlined, StarFilled } from '@ant-design/icons';
import type { DialogueExportFormat, EndReason } from '@contract';
import { Button, Card, Dropdown, Flex, Input, InputNumber, Select, Space, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { compact } from '../lib/call';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';
import {
  dialoguesActions,
  selectDialogueFilter,
  selectDialogueRuns,
  selectDialogueSort,
  selectDialogueTags,
  selectDialogueTotal,
  useDialoguesStore,
  type DialogueSort,
} from '../stores/dialogues';
import { DialogueList } from './dialogues/DialogueList';
import { DialogueView } from './dialogues/DialogueView';
import { ImportWithCards } from './dialogues/ImportWithCards';

// Dialogues: every session of every run (and imported datasets), searchable in any language.

/** The list and the open dialogue fill the window below the filters. */
function usePaneHeight(): number {
  const [h, setH] = useState(() => Math.max(420, window.innerHeight - 330));
  useEffect(() => {
    const onResize = () => setH(Math.max(420, window.innerHeight - 330));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return h;
}
const reasons: EndReason[] = ['phrase', 'turn_limit', 'refinement_failed', 'error', 'cancelled', 'imported'];

function Filters() {
  const t = useT().dlg;
  const filter = useDialoguesStore(selectDialogueFilter);
  const sort = useDialoguesStore(selectDialogueSort);
  const tags = useDialoguesStore(selectDialogueTags);
  const runs = useDialoguesStore(selectDialogueRuns);
  const [query, setQuery] = useState(filter.query ?? '');

  // Searching follows typing, a moment after the last key.
  useEffect(() => {
    if ((filter.query ?? '') === query.trim()) return;
    const timer = setTimeout(() => void dialoguesActions.setFilter({ query: query.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  }, [query, filter.query]);

  return (
    <Flex vertical gap={10}>
      <Flex gap={8}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t.searchPlaceholder}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="dialogue-search"
          style={{ flex: 1 }}
        />
        <Tooltip title={t.starredOnly}>
          <Button
            icon={<StarFilled style={{ color: filter.starred ? '#d4a63a' : undefined }} />}
            type={filter.starred ? 'primary' : 'default'}
            ghost={filter.starred}
            onClick={() => void dialoguesActions.setFilter({ starred: filter.starred ? undefined : true })}
            data-testid="filter-starred"
          >
            {t.starred}
          </Button>
        </Tooltip>
        <Select<DialogueSort>
          value={sort}
          style={{ width: 130 }}
          onChange={(v) => void dialoguesActions.setFilter({}, v)}
          options={(['newest', 'oldest', 'turns', 'cost'] as const).map((k) => ({ value: k, label: t.sort[k] }))}
        />
      </Flex>
      <Flex gap={8} wrap>
        <MultiFilter
          placeholder={t.allRuns}
          width={200}
          value={filter.runIds}
          onChange={(runIds) => void dialoguesActions.setFilter({ runIds })}
          options={runs.map((r) => ({ value: r.id, label: r.title }))}
          testId="filter-runs"
        />
        <MultiFilter<EndReason>
          placeholder={t.allEndings}
          width={190}
          value={filter.endReasons}
          onChange={(endReasons) => void dialoguesActions.setFilter({ endReasons })}
          options={reasons.map((r) => ({ value: r, label: t.endReasons[r] }))}
        />
        <MultiFilter
          placeholder={t.anyTag}
          width={150}
          value={filter.tags}
          onChange={(tags) => void dialoguesActions.setFilter({ tags })}
          options={tags.map((x) => ({ value: x.tag, label: `${x.tag} (${x.count})` }))}
        />
        <Space.Compact>
          <InputNumber
            min={0}
            precision={0}
            placeholder={t.minTurns}
            style={{ width: 92 }}
            value={filter.minTurns ?? null}
            onChange={(v) => void dialoguesActions.setFilter({ minTurns: v ?? undefined })}
          />
          <InputNumber
            min={0}
            precision={0}
            placeholder={t.maxTurns}
            style={{ width: 92 }}
            value={filter.maxTurns ?? null}
            onChange={(v) => void dialoguesActions.setFilter({ maxTurns: v ?? undefined })}
          />
        </Space.Compact>
        <Input
          placeholder={t.cardId}
          style={{ width: 110 }}
          allowClear
          onChange={(e) => {
            const n = Number(e.target.value);
            void dialoguesActions.setFilter({ cardIds: Number.isInteger(n) && n > 0 ? [n] : undefined });
          }}
        />
      </Flex>
    </Flex>
  );
}

export function Dialogues() {
  const t = useT().dlg;
  const tc = useT().dlgCards;
  const [withCards, setWithCards] = useState(false);
  const total = useDialoguesStore(selectDialogueTotal);
  const PANE_HEIGHT = usePaneHeight();

  useEffect(() => {
    void dialoguesActions.reload();
    void dialoguesActions.loadFacets();
  }, []);

  const exportItems = (['paper', 'sharegpt', 'openai'] as DialogueExportFormat[]).map((f) => ({
    key: f,
    label: <span data-testid={`export-${f}`}>{t.formats[f]}</span>,
    onClick: () => void dialoguesActions.exportTo(f),
  }));
  const importItems = [
    { key: 'folder', icon: <FolderOpenOutlined />, label: <span data-testid="import-folder">{t.importFolder}</span>, onClick: () => void dialoguesActions.importFrom('open-folder') },
    { key: 'file', icon: <FileOutlined />, label: <span data-testid="import-file">{t.importFile}</span>, onClick: () => void dialoguesActions.importFrom('open-file') },
    { key: 'cards', icon: <IdcardOutlined />, label: <span data-testid="import-with-cards">{tc.menu}</span>, onClick: () => setWithCards(true) },
  ];

  const status = useDialoguesStore((st) => st.status);
  const filter = useDialoguesStore(selectDialogueFilter);
  const sections = useT().sections.dialogues;
  const empty = useT().empty;
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  if (status === 'ready' && total === 0 && Object.keys(compact(filter)).length === 0) {
    // Nothing simulated or imported yet: say what this section is for, and offer the paper's data.
    return (
      <SectionEmpty
        section="dialogues"
        title={sections.emptyTitle}
        purpose={sections.purpose}
        next={
          hasEndpoints
            ? { text: sections.nextWithEndpoints, action: { label: empty.goSimulations, to: 'simulations' } }
            : { text: sections.nextNoEndpoint, action: { label: empty.addEndpoint, to: 'settings' } }
        }
        extra={
          <>
            <Dropdown menu={{ items: importItems }} trigger={['click']}>
              <Button icon={<ImportOutlined />} style={{ marginTop: 20 }} data-testid="dialogue-import">
                {t.importTitle}
              </Button>
            </Dropdown>
            <ImportWithCards open={withCards} onClose={() => setWithCards(false)} />
          </>
        }
      />
    );
  }

  return (
    <Flex vertical gap={16} data-testid="dialogue-browser">
      <Card styles={{ body: { padding: 16 } }}>
        <Filters />
      </Card>
      <Flex gap={16} align="stretch">
        <Card style={{ width: 400, flexShrink: 0 }} styles={{ body: { padding: 12 } }}>
          <Flex justify="space-between" align="center" style={{ marginBottom: 10, paddingInline: 4 }}>
            <Typography.Text type="secondary" data-testid="dialogue-total">
              {t.total(total)}
            </Typography.Text>
            <Space size={4}>
              <Dropdown menu={{ items: importItems }} trigger={['click']}>
                <Button size="small" icon={<ImportOutlined />} data-testid="dialogue-import">
                  {t.import}
                </Button>
              </Dropdown>
              <Dropdown menu={{ items: exportItems }} trigger={['click']}>
                <Button size="small" icon={<DownloadOutlined />} data-testid="dialogue-export">
                  {t.export}
                </Button>
              </Dropdown>
            </Space>
          </Flex>
          <DialogueList height={PANE_HEIGHT} />
        </Card>
        <Card style={{ flex: 1, minWidth: 0 }} styles={{ body: { padding: '16px 20px' } }}>
          <DialogueView height={PANE_HEIGHT + 30} />
        </Card>
      </Flex>
      <ImportWithCards open={withCards} onClose={() => setWithCards(false)} />
    </Flex>
  );
}

/** A multi-select filter; an empty selection means "no filter" (undefined), not "match nothing". */
function MultiFilter<V extends string | number>(props: {
  placeholder: string;
  width: number;
  value: V[] | undefined;
  onChange: (value: V[] | undefined) => void;
  options: { value: V; label: string }[];
  testId?: string;
}) {
  return (
    <Select<V[]>
      mode="multiple"
      allowClear
      maxTagCount="responsive"
      placeholder={props.placeholder}
      style={{ width: props.width }}
      value={props.value ?? []}
      onChange={(v) => props.onChange(v.length ? v : undefined)}
      options={props.options}
      data-testid={props.testId}
    />
  );
}

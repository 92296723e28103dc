import { FileOutlined, FolderOpenOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Skeleton } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { SectionEmpty } from '../components/SectionEmpty';
import { useT } from '../i18n';
import { cardChatActions } from '../stores/cardChat';
import { cardEditorActions, useCardEditorStore } from '../stores/cardEditor';
import { selectEndpointCount, useEndpointsStore } from '../stores/endpoints';
import { roleCardsActions, selectPoolEmpty, useRoleCardsStore } from '../stores/roleCards';
import { selectLocale, useSettingsStore } from '../stores/settings';
import { palette } from '../theme';
import { BulkBar } from './role-cards/BulkBar';
import { CardEditor } from './role-cards/CardEditor';
import { CardList } from './role-cards/CardList';
import { DraftDialog } from './role-cards/DraftDialog';
import { DuplicatesDrawer } from './role-cards/DuplicatesDrawer';
import { ExportDialog } from './role-cards/ExportDialog';
import { useElementHeight, useFillHeight } from './role-cards/format';
import { ImportDialog, type ImportStart } from './role-cards/ImportDialog';
import { FilterChips, PoolToolbar, type PoolActions } from './role-cards/PoolToolbar';
import { SplitDialog } from './role-cards/SplitDialog';

// Role cards (paper §3.4): the pool of simulated clients. The list is the home of the
// section; a card opens in the editor in its place (form beside a live preview, the trial
// chat and the history). Dialogs for import, export, the split and AI drafting sit on top.

function PoolView({ actions, onOpen, onExportSelected }: { actions: PoolActions; onOpen: (id: number) => void; onExportSelected: () => void }) {
  const root = useRef<HTMLDivElement>(null);
  const listBox = useRef<HTMLDivElement>(null);
  const height = useFillHeight(root, 48);
  const listHeight = useElementHeight(listBox);
  useEffect(() => roleCardsActions.refreshStaleDuplicates(), []);
  return (
    <div ref={root} style={{ height, display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="card-pool">
      <PoolToolbar {...actions} />
      <FilterChips />
      <BulkBar onExport={onExportSelected} />
      <div ref={listBox} style={{ flex: 1, minHeight: 0, background: '#fff', border: `1px solid ${palette.border}`, borderRadius: 12, overflow: 'hidden' }}>
        {listHeight > 0 && <CardList height={listHeight} onOpen={onOpen} />}
      </div>
    </div>
  );
}

export function RoleCards() {
  const t = useT();
  const tc = t.cards;
  const locale = useSettingsStore(selectLocale);
  const hasEndpoints = useEndpointsStore(selectEndpointCount) > 0;
  const editing = useCardEditorStore((st) => st.target !== null);
  const poolEmpty = useRoleCardsStore(selectPoolEmpty);
  const loaded = useRoleCardsStore((st) => st.counts !== null);
  const [importing, setImporting] = useState<{ open: boolean; start: ImportStart }>({ open: false, start: null });
  const [exporting, setExporting] = useState<{ open: boolean; preferSelected: boolean }>({ open: false, preferSelected: false });
  const [splitOpen, setSplitOpen] = useState(false);
  const [dupOpen, setDupOpen] = useState(false);
  const [draftOpen, setDraftOpen] = useState(false);

  useEffect(() => {
    void roleCardsActions.load();
    // Trial-chat replies stream in even while another panel is shown.
    return cardChatActions.subscribe();
  }, []);

  const open = (id: number) => void cardEditorActions.open(id);
  const create = () => void cardEditorActions.openNew(locale);
  const actions: PoolActions = {
    onNew: create,
    onNewFromComplaint: () => {
      void cardEditorActions.openNew(locale).then(() => setDraftOpen(true));
    },
    onImport: () => setImporting({ open: true, start: null }),
    onExport: () => setExporting({ open: true, preferSelected: false }),
    onSplit: () => setSplitOpen(true),
    onDuplicates: () => setDupOpen(true),
  };

  let body;
  if (editing) {
    body = <CardEditor onBack={() => void cardEditorActions.close()} onDraft={() => setDraftOpen(true)} />;
  } else if (!loaded) {
    body = <Skeleton active paragraph={{ rows: 8 }} />;
  } else if (poolEmpty) {
    body = (
      <SectionEmpty
        section="roleCards"
        title={tc.empty.title}
        purpose={tc.empty.purpose}
        next={{
          text: tc.empty.next,
          ...(hasEndpoints ? {} : { action: { label: t.empty.addEndpoint, to: 'settings' as const, secondary: true } }),
        }}
        actions={
          <>
            <Button type="primary" icon={<FolderOpenOutlined />} onClick={() => setImporting({ open: true, start: 'folder' })} data-testid="empty-import-folder">
              {tc.empty.importFolder}
            </Button>
            <Button icon={<FileOutlined />} onClick={() => setImporting({ open: true, start: 'file' })} data-testid="empty-import-file">
              {tc.empty.importFile}
            </Button>
            <Button icon={<PlusOutlined />} onClick={create} data-testid="empty-create">
              {tc.empty.create}
            </Button>
          </>
        }
      />
    );
  } else {
    body = <PoolView actions={actions} onOpen={open} onExportSelected={() => setExporting({ open: true, preferSelected: true })} />;
  }

  return (
    <div data-testid="role-cards">
      {body}
      <ImportDialog open={importing.open} start={importing.start} onClose={() => setImporting({ open: false, start: null })} />
      <ExportDialog open={exporting.open} preferSelected={exporting.preferSelected} onClose={() => setExporting({ open: false, preferSelected: false })} />
      <SplitDialog open={splitOpen} onClose={() => setSplitOpen(false)} />
      <DuplicatesDrawer
        open={dupOpen}
        onClose={() => setDupOpen(false)}
        onOpenCard={(id) => {
          setDupOpen(false);
          open(id);
        }}
      />
      <DraftDialog open={draftOpen} onClose={() => setDraftOpen(false)} />
    </div>
  );
}

import {
  ArrowLeftOutlined,
  CheckCircleFilled,
  CommentOutlined,
  DeleteOutlined,
  EditOutlined,
  ExclamationCircleFilled,
  EyeOutlined,
  HistoryOutlined,
  LeftOutlined,
  LoadingOutlined,
  MoreOutlined,
  RedoOutlined,
  RightOutlined,
  SaveOutlined,
  UndoOutlined,
  WarningFilled,
} from '@ant-design/icons';
import { Alert, App, Button, Divider, Dropdown, Flex, Segmented, Skeleton, Space, Splitter, Tooltip, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';
import {
  cardEditorActions,
  selectCanRedo,
  selectCanUndo,
  useCardEditorStore,
} from '../../stores/cardEditor';
import { hasContent, validate } from '../../stores/cardForm';
import { roleCardsActions, rowAt, useRoleCardsStore } from '../../stores/roleCards';
import { palette } from '../../theme';
import { CardForm } from './CardForm';
import { calmInfo, profileLine, useFillHeight } from './format';
import { HistoryPanel } from './HistoryPanel';
import { PreviewPanel } from './PreviewPanel';
import { TrialChat } from './TrialChat';

type SideTab = 'preview' | 'chat' | 'history';

/** Save now (button, Ctrl+S); if fields block it, bring the first one into view. */
async function saveNow(): Promise<void> {
  await cardEditorActions.save('manual');
  const first = document.querySelector('[data-testid="card-form"] [data-invalid="true"]');
  first?.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

/** "Saved" / "Saving…" / "Not saved: fix 2 fields": what autosave is doing, always in view. */
function SaveStatus() {
  const t = useT().cards;
  const ts = t.editor.status;
  const status = useCardEditorStore((s) => s.status);
  const held = useCardEditorStore((s) => s.held);
  const isNew = useCardEditorStore((s) => s.target?.kind === 'new');
  const problems = useCardEditorStore((s) => Object.keys(validate(s.draft)).length);
  let icon = <CheckCircleFilled style={{ color: '#4e9868' }} />;
  let text = ts.saved;
  let tone: 'secondary' | 'danger' | 'warning' = 'secondary';
  if (isNew) {
    icon = <EditOutlined />;
    text = ts.newCard;
  } else if (held) {
    icon = <EditOutlined style={{ color: '#c49536' }} />;
    text = ts.held;
    tone = 'warning';
  } else if (status === 'saving') {
    icon = <LoadingOutlined />;
    text = ts.saving;
  } else if (status === 'pending') {
    icon = <EditOutlined />;
    text = ts.pending;
  } else if (status === 'invalid') {
    icon = <ExclamationCircleFilled />;
    text = ts.invalid(problems);
    tone = 'danger';
  } else if (status === 'conflict') {
    icon = <WarningFilled />;
    text = ts.conflict;
    tone = 'warning';
  } else if (status === 'error') {
    icon = <ExclamationCircleFilled />;
    text = ts.error;
    tone = 'danger';
  } else if (status === 'clean') {
    text = ts.clean;
    icon = <CheckCircleFilled style={{ color: '#b8c4c1' }} />;
  }
  return (
    <Typography.Text type={tone} style={{ fontSize: 13, whiteSpace: 'nowrap' }} data-testid="save-status" data-status={isNew ? 'new' : held ? 'held' : status} aria-live="polite">
      {icon} {text}
    </Typography.Text>
  );
}

export function CardEditor({ onBack, onDraft }: { onBack: () => void; onDraft: () => void }) {
  const t = useT().cards;
  const te = t.editor;
  const { modal } = App.useApp();
  const root = useRef<HTMLDivElement>(null);
  const height = useFillHeight(root, 48);
  const target = useCardEditorStore((s) => s.target);
  const loading = useCardEditorStore((s) => s.loading);
  const base = useCardEditorStore((s) => s.base);
  const status = useCardEditorStore((s) => s.status);
  const held = useCardEditorStore((s) => s.held);
  const saveError = useCardEditorStore((s) => s.saveError);
  const canUndo = useCardEditorStore(selectCanUndo);
  const canRedo = useCardEditorStore(selectCanRedo);
  const activeIndex = useRoleCardsStore((s) => s.activeIndex);
  const prev = useRoleCardsStore((s) => (activeIndex > 0 ? rowAt(s, activeIndex - 1) : undefined));
  const next = useRoleCardsStore((s) => rowAt(s, activeIndex + 1));
  const [tab, setTab] = useState<SideTab>('preview');
  const isNew = target?.kind === 'new';

  // Neighbours for ‹ › come from the list; read them if they are not loaded yet.
  useEffect(() => {
    if (!isNew) roleCardsActions.ensureRange(Math.max(0, activeIndex - 1), activeIndex + 1);
  }, [activeIndex, isNew]);

  /** Leaving: pending edits are saved first; edits that cannot be saved need a confirmation. */
  const leave = async (then: () => void) => {
    const s = useCardEditorStore.getState();
    const unsavable = s.target?.kind === 'new' ? selectDirtyNew() : s.held || s.status === 'invalid' || s.status === 'conflict' || s.status === 'error';
    if (!unsavable) {
      await cardEditorActions.flush();
      then();
      return;
    }
    modal.confirm({
      title: te.leaveTitle,
      content: s.target?.kind === 'new' ? te.leaveNew : s.held ? te.leaveHeld : te.leaveInvalid,
      okText: te.leaveOk,
      okButtonProps: { danger: true },
      cancelText: te.stay,
      onOk: () => {
        cardEditorActions.discard();
        then();
      },
    });
  };

  const go = (index: number, id: number) =>
    void leave(() => {
      roleCardsActions.setActive(index);
      void cardEditorActions.open(id);
    });

  // Ctrl+S saves now; Ctrl+Z / Ctrl+Shift+Z undo and redo form edits (not inside dialogs or the chat box).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      const el = event.target as HTMLElement | null;
      const inDialog = Boolean(el?.closest?.('.ant-modal-root, .ant-drawer, [data-undo-scope="native"]'));
      if (key === 's') {
        event.preventDefault();
        if (!inDialog) void saveNow();
        return;
      }
      if (inDialog) return;
      if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        cardEditorActions.redo();
      } else if (key === 'z') {
        event.preventDefault();
        cardEditorActions.undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const remove = () => {
    if (target?.kind !== 'card') return;
    const id = target.id;
    modal.confirm({
      title: te.deleteTitle(id),
      content: te.deleteDetail,
      okText: t.bulk.deleteOk,
      okButtonProps: { danger: true, ...{ 'data-testid': 'card-delete-confirm' } },
      cancelText: t.bulk.cancel,
      onOk: async () => {
        if (await roleCardsActions.remove(id)) {
          cardEditorActions.discard();
          onBack();
        }
      },
    });
  };

  const title = isNew ? te.newTitle : target?.kind === 'card' ? te.title(target.id) : '';

  return (
    <div ref={root} style={{ height, display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="card-editor" data-card-id={target?.kind === 'card' ? target.id : 'new'}>
      <Flex align="center" gap={10} style={{ minWidth: 0 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => void leave(onBack)} data-testid="editor-back">
          {te.back}
        </Button>
        <Divider orientation="vertical" style={{ marginInline: 2 }} />
        <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'nowrap' }} data-testid="editor-title">
          {title}
        </Typography.Title>
        <Typography.Text type="secondary" ellipsis style={{ minWidth: 0, flex: 1 }}>
          {base ? profileLine(base, t) : ''}
        </Typography.Text>
        <SaveStatus />
        <Space.Compact>
          <Tooltip title={te.undo}>
            <Button icon={<UndoOutlined />} disabled={!canUndo} onClick={() => cardEditorActions.undo()} aria-label={te.undo} data-testid="editor-undo" />
          </Tooltip>
          <Tooltip title={te.redo}>
            <Button icon={<RedoOutlined />} disabled={!canRedo} onClick={() => cardEditorActions.redo()} aria-label={te.redo} data-testid="editor-redo" />
          </Tooltip>
        </Space.Compact>
        {!isNew && (
          <Space.Compact>
            <Tooltip title={te.previous}>
              <Button icon={<LeftOutlined />} disabled={!prev} onClick={() => prev && go(activeIndex - 1, prev.id)} aria-label={te.previous} data-testid="editor-prev" />
            </Tooltip>
            <Tooltip title={te.next}>
              <Button icon={<RightOutlined />} disabled={!next} onClick={() => next && go(activeIndex + 1, next.id)} aria-label={te.next} data-testid="editor-next" />
            </Tooltip>
          </Space.Compact>
        )}
        <Tooltip title={te.saveHint}>
          <Button
            type="primary"
            icon={<SaveOutlined />}
            loading={status === 'saving'}
            onClick={() => void saveNow()}
            data-testid="editor-save"
          >
            {isNew ? te.create : te.save}
          </Button>
        </Tooltip>
        {!isNew && (
          <Dropdown
            trigger={['click']}
            menu={{ items: [{ key: 'delete', danger: true, icon: <DeleteOutlined />, label: <span data-testid="editor-delete">{te.delete}</span>, onClick: remove }] }}
          >
            <Button icon={<MoreOutlined />} aria-label={te.more} data-testid="editor-more" />
          </Dropdown>
        )}
      </Flex>

      {status === 'conflict' && (
        <Alert
          type="warning"
          showIcon
          title={te.conflictTitle}
          description={te.conflictDetail}
          data-testid="editor-conflict"
          action={
            <Flex vertical gap={6}>
              <Button size="small" onClick={() => void cardEditorActions.takeTheirs()} data-testid="conflict-theirs">
                {te.takeTheirs}
              </Button>
              <Button size="small" danger onClick={() => void cardEditorActions.keepMine()} data-testid="conflict-mine">
                {te.keepMine}
              </Button>
            </Flex>
          }
        />
      )}
      {status === 'error' && saveError && (
        <Alert
          type="error"
          showIcon
          title={te.errorTitle}
          description={saveError}
          action={
            <Button size="small" onClick={() => void cardEditorActions.save('manual')}>
              {te.retry}
            </Button>
          }
        />
      )}
      {held && (
        <Alert
          type="info"
          showIcon
          title={te.heldTitle}
          description={te.heldDetail}
          style={calmInfo}
          data-testid="editor-held"
          action={
            <Button size="small" type="primary" icon={<SaveOutlined />} onClick={() => void saveNow()}>
              {isNew ? te.create : te.save}
            </Button>
          }
        />
      )}

      <div style={{ flex: 1, minHeight: 0, background: '#fff', border: `1px solid ${palette.border}`, borderRadius: 12, overflow: 'hidden' }}>
        {loading ? (
          <div style={{ padding: 28 }}>
            <Skeleton active paragraph={{ rows: 10 }} />
          </div>
        ) : (
          <Splitter style={{ height: '100%' }}>
            <Splitter.Panel defaultSize="57%" min={380}>
              <div style={{ height: '100%', overflow: 'auto', padding: '20px 24px 8px' }} data-testid="editor-form-scroll">
                <CardForm onDraft={onDraft} />
              </div>
            </Splitter.Panel>
            <Splitter.Panel min={320}>
              <div style={{ height: '100%', display: 'flex', flexDirection: 'column', padding: '14px 16px 16px', gap: 12, background: '#fcfdfc' }}>
                <Segmented<SideTab>
                  block
                  value={tab}
                  onChange={setTab}
                  options={[
                    { value: 'preview', icon: <EyeOutlined />, label: <span data-testid="tab-preview">{te.tabs.preview}</span> },
                    { value: 'chat', icon: <CommentOutlined />, label: <span data-testid="tab-chat">{te.tabs.chat}</span> },
                    { value: 'history', icon: <HistoryOutlined />, label: <span data-testid="tab-history">{te.tabs.history}</span> },
                  ]}
                />
                <div style={{ flex: 1, minHeight: 0, overflow: tab === 'history' ? 'auto' : 'hidden' }}>
                  {tab === 'preview' && <PreviewPanel />}
                  {tab === 'chat' && <TrialChat />}
                  {tab === 'history' && <HistoryPanel />}
                </div>
              </div>
            </Splitter.Panel>
          </Splitter>
        )}
      </div>
    </div>
  );
}

/** A new card counts as unsaved work once anything was typed into it. */
function selectDirtyNew(): boolean {
  return hasContent(useCardEditorStore.getState().draft);
}

import { ExportOutlined, FolderOpenOutlined } from '@ant-design/icons';
import { annotationPicks, type AnnotationPick, type AnnotationTurn } from '@contract';
import { Alert, Button, Card, Collapse, Flex, Input, List, Modal, Progress, Tag, Typography } from 'antd';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { palette } from '../../theme';
import { annotatorActions, selectDone, selectItem, selectItemWork, useAnnotatorStore } from './annotator-store';

// The annotator's screen, made for the keyboard: 1 2 3 4 choose (A, B, tie, both bad) and move
// on, ← → move, S skips, Z undoes, N writes a note, E exports. The replies are shown as A (left) and B
// (right) in the order drawn for this annotator; nothing says which counselor wrote which.

const keyToPick: Record<string, AnnotationPick> = { '1': 'left', '2': 'right', '3': 'tie', '4': 'bothbad' };

function useAnnotationKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      if (useAnnotatorStore.getState().noteOpen) return;
      const key = e.key.toLowerCase();
      const pick = keyToPick[key];
      if (pick) annotatorActions.pick(pick);
      else if (key === 'arrowright' || key === 'arrowdown') annotatorActions.move(1);
      else if (key === 'arrowleft' || key === 'arrowup') annotatorActions.move(-1);
      else if (key === 's') annotatorActions.move(1);
      else if (key === 'z') annotatorActions.undo();
      else if (key === 'n') annotatorActions.setNoteOpen(true);
      else if (key === 'e') void annotatorActions.exportWork();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

const History = memo(function History({ turns }: { turns: AnnotationTurn[] }) {
  const t = useT().ann.work;
  const box = useRef<HTMLDivElement>(null);
  // The last client utterance is what the replies answer: keep it in view.
  useLayoutEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [turns]);
  return (
    <div ref={box} data-testid="annotation-history" style={{ overflowY: 'auto', flex: 1, minHeight: 0, padding: '4px 4px 8px' }}>
      <Flex vertical gap={10}>
        {turns.map((turn, i) => {
          const counselor = turn.role === 'counselor';
          return (
            <Flex key={i} vertical align={counselor ? 'flex-end' : 'flex-start'}>
              <span style={{ fontSize: 12, margin: '0 6px 2px', color: palette.textSecondary }}>{counselor ? t.counselor : t.client}</span>
              <div
                style={{
                  maxWidth: '85%',
                  padding: '8px 12px',
                  borderRadius: counselor ? '12px 4px 12px 12px' : '4px 12px 12px 12px',
                  background: counselor ? palette.primarySoft : '#fff',
                  border: `1px solid ${counselor ? '#cfe3df' : palette.border}`,
                  lineHeight: 1.7,
                  whiteSpace: 'pre-wrap',
                  wordBreak: 'break-word',
                }}
              >
                {turn.content}
              </div>
            </Flex>
          );
        })}
      </Flex>
    </div>
  );
});

function Candidate({ label, text, chosen, testId }: { label: string; text: string; chosen: boolean; testId: string }) {
  return (
    <div
      data-testid={testId}
      data-chosen={chosen ? 'true' : 'false'}
      style={{
        flex: '1 1 0',
        minWidth: 0,
        padding: '12px 14px',
        borderRadius: 10,
        border: `2px solid ${chosen ? palette.primary : palette.border}`,
        background: chosen ? palette.primarySoft : '#fff',
        overflowY: 'auto',
      }}
    >
      <Typography.Text strong style={{ display: 'block', marginBottom: 6 }}>
        {label}
      </Typography.Text>
      <div style={{ lineHeight: 1.75, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{text}</div>
    </div>
  );
}

const NoteDialog = memo(function NoteDialog() {
  const t = useT().ann.work;
  const open = useAnnotatorStore((s) => s.noteOpen);
  const itemId = useAnnotatorStore((s) => selectItem(s)?.itemId);
  const saved = useAnnotatorStore(selectItemWork)?.note ?? '';
  const [text, setText] = useState(saved);
  useEffect(() => setText(saved), [saved, open, itemId]);
  return (
    <Modal
      open={open}
      title={t.noteTitle}
      okText={t.noteSave}
      cancelText={t.cancel}
      onOk={() => annotatorActions.saveNote(text)}
      onCancel={() => annotatorActions.setNoteOpen(false)}
      destroyOnHidden
    >
      <Input.TextArea
        autoFocus
        data-testid="annotation-note-input"
        value={text}
        rows={4}
        maxLength={5000}
        placeholder={t.notePlaceholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            // The next key (a pick) must reach the screen, not this box while the dialog fades out.
            e.currentTarget.blur();
            annotatorActions.saveNote(text);
          }
        }}
      />
    </Modal>
  );
});

// The screen is split so that a move re-renders only what changes: the header's counts and
// the item pane; the guidelines, the buttons' labels and the dialog stay as they are.

const Header = memo(function Header({ annotator, total }: { annotator: string; total: number }) {
  const t = useT().ann.work;
  const position = useAnnotatorStore((s) => s.position);
  const done = useAnnotatorStore(selectDone);
  return (
    <>
      <Flex align="center" gap={16} wrap>
        <Typography.Text strong data-testid="annotation-annotator">
          {annotator}
        </Typography.Text>
        <Typography.Text data-testid="annotation-position">{t.item(position + 1, total)}</Typography.Text>
        <Progress percent={Math.round((100 * done) / total)} format={() => t.done(done, total)} style={{ flex: '1 1 240px', margin: 0 }} data-testid="annotation-progress" data-done={done} />
        <Button icon={<ExportOutlined />} type="primary" onClick={() => void annotatorActions.exportWork()} data-testid="annotation-export">
          E · {t.export}
        </Button>
        <Button onClick={() => annotatorActions.close()}>{t.close}</Button>
      </Flex>
      {done === total && <Alert type="success" showIcon title={t.all} data-testid="annotation-all-done" />}
    </>
  );
});

const Guidelines = memo(function Guidelines({ text }: { text: string }) {
  const t = useT().ann.work;
  return <Collapse size="small" items={[{ key: 'g', label: t.guidelines, children: <div style={{ whiteSpace: 'pre-wrap', lineHeight: 1.7 }} data-testid="annotation-guidelines">{text}</div> }]} />;
});

const PickButtons = memo(function PickButtons({ pick }: { pick: AnnotationPick | null }) {
  const t = useT().ann.work;
  return (
    <Flex gap={8} wrap align="center">
      {annotationPicks.map((p, i) => (
        <Button key={p} type={pick === p ? 'primary' : 'default'} onClick={() => annotatorActions.pick(p)} data-testid={`annotation-pick-${p}`} tabIndex={-1}>
          {i + 1} · {t.picks[p]}
        </Button>
      ))}
      <Button onClick={() => annotatorActions.setNoteOpen(true)} tabIndex={-1}>
        N · {t.note}
      </Button>
    </Flex>
  );
});

const historyCard = { body: { flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' as const } };

function ItemPane() {
  const t = useT().ann.work;
  const item = useAnnotatorStore(selectItem)!;
  const itemWork = useAnnotatorStore(selectItemWork);
  return (
    <Flex gap={16} style={{ flex: 1, minHeight: 0 }}>
      <Card size="small" title={t.history} style={{ flex: '0 0 38%', minWidth: 0, display: 'flex', flexDirection: 'column' }} styles={historyCard}>
        <History turns={item.history} />
      </Card>
      <Flex vertical gap={12} style={{ flex: 1, minWidth: 0, minHeight: 0 }}>
        <Typography.Text strong>{t.candidates}</Typography.Text>
        <Flex gap={12} style={{ flex: 1, minHeight: 0 }}>
          <Candidate label={t.reply('A')} text={item.left} chosen={itemWork?.pick === 'left'} testId="annotation-left" />
          <Candidate label={t.reply('B')} text={item.right} chosen={itemWork?.pick === 'right'} testId="annotation-right" />
        </Flex>
        <PickButtons pick={itemWork?.pick ?? null} />
        {itemWork?.note && (
          <Typography.Text type="secondary" data-testid="annotation-note">
            <Tag>{t.note}</Tag>
            {itemWork.note}
          </Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t.keys}
        </Typography.Text>
      </Flex>
    </Flex>
  );
}

function Workbench() {
  const session = useAnnotatorStore((s) => s.session)!;
  const position = useAnnotatorStore((s) => s.position);
  const itemId = useAnnotatorStore((s) => selectItem(s)!.itemId);
  useAnnotationKeys();
  return (
    <Flex vertical gap={12} style={{ height: '100%', minHeight: 0 }} data-testid="annotation-workbench" data-item={itemId} data-position={position}>
      <Header annotator={session.annotator} total={session.items.length} />
      <Guidelines text={session.guidelines} />
      <ItemPane />
      <NoteDialog />
    </Flex>
  );
}

function Start() {
  const t = useT().ann.start;
  const saved = useAnnotatorStore((s) => s.saved);
  const error = useAnnotatorStore((s) => s.openError);
  const [name, setName] = useState('');
  useEffect(() => void annotatorActions.loadSaved(), []);
  return (
    <Flex vertical gap={16} style={{ maxWidth: 760 }}>
      <Card title={t.title}>
        <Flex vertical gap={12}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t.intro}
          </Typography.Paragraph>
          <Typography.Text strong>{t.name}</Typography.Text>
          <Flex gap={8}>
            <Input
              autoFocus={saved.length === 0}
              value={name}
              placeholder={t.namePlaceholder}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
              onPressEnter={() => void annotatorActions.openPackage(name)}
              data-testid="annotation-name"
              style={{ maxWidth: 320 }}
            />
            <Button type="primary" icon={<FolderOpenOutlined />} onClick={() => void annotatorActions.openPackage(name)} data-testid="annotation-open">
              {t.open}
            </Button>
          </Flex>
          {error && <Alert type="error" showIcon title={t.openFailed} description={error} data-testid="annotation-open-error" />}
        </Flex>
      </Card>
      {saved.length > 0 && (
        <Card title={t.resumeTitle}>
          <List
            dataSource={saved}
            renderItem={(w, i) => (
              <List.Item
                actions={[
                  <Button key="resume" type="primary" autoFocus={i === 0} onClick={() => void annotatorActions.resume(w.key)} data-testid="annotation-resume">
                    {t.resume}
                  </Button>,
                ]}
              >
                <List.Item.Meta title={w.annotator} description={`${t.progress(w.done, w.items)} · ${t.savedAt(new Date(w.updatedAt).toLocaleString())}`} />
              </List.Item>
            )}
          />
        </Card>
      )}
    </Flex>
  );
}

export function AnnotatorView() {
  const open = useAnnotatorStore((s) => s.session !== null);
  return open ? <Workbench /> : <Start />;
}

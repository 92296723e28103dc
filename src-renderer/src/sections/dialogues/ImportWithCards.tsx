import { FolderOpenOutlined } from '@ant-design/icons';
import type { DialogueImportInput } from '@contract';
import { Button, Flex, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { dialoguesActions } from '../../stores/dialogues';

type Split = NonNullable<DialogueImportInput['cards']>['split'];

/**
 * Imports dialogues with the card each client saw, in the paper's layout: the dialogue/
 * folder, the folder holding raw_role_card/ and user_profiles/, and the split to pair with
 * (or no cards: the dialogues alone, as the plain import does).
 */
export function ImportWithCards({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().dlgCards;
  const [dialogues, setDialogues] = useState<string | null>(null);
  const [cards, setCards] = useState<string | null>(null);
  const [split, setSplit] = useState<Split>('train');
  const [busy, setBusy] = useState(false);

  const choose = async (title: string, set: (path: string) => void) => {
    const path = await dialoguesActions.choosePath('open-folder', title);
    if (path) set(path);
  };
  const submit = async () => {
    if (!dialogues) return;
    setBusy(true);
    const done = await dialoguesActions.importDialogues({ path: dialogues, ...(cards ? { cards: { path: cards, split } } : {}) });
    setBusy(false);
    if (done) {
      setDialogues(null);
      setCards(null);
      onClose();
    }
  };
  const path = (value: string | null, testId: string) => (
    <Typography.Text type={value ? undefined : 'secondary'} data-testid={testId} ellipsis={value ? { tooltip: value } : false} style={{ maxWidth: 420 }}>
      {value ?? t.nothingChosen}
    </Typography.Text>
  );

  return (
    <Modal
      open={open}
      title={t.title}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t.cancel}</Button>
          <Button type="primary" disabled={!dialogues} loading={busy} onClick={() => void submit()} data-testid="import-cards-ok">
            {t.import}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={12} data-testid="import-cards-dialog">
        <Typography.Paragraph type="secondary">{t.explain}</Typography.Paragraph>
        <Typography.Text strong>{t.dialogues}</Typography.Text>
        <Button icon={<FolderOpenOutlined />} data-testid="import-cards-dialogues" onClick={() => void choose(t.chooseDialogues, setDialogues)}>
          {t.chooseDialogues}
        </Button>
        {path(dialogues, 'import-cards-dialogues-path')}
        <Typography.Text strong>{t.cards}</Typography.Text>
        <Button icon={<FolderOpenOutlined />} data-testid="import-cards-folder" onClick={() => void choose(t.chooseCards, setCards)}>
          {t.chooseCards}
        </Button>
        <Flex gap={8} align="center" justify="space-between">
          {path(cards, 'import-cards-folder-path')}
          <Button type="link" size="small" disabled={!cards} data-testid="import-cards-none" onClick={() => setCards(null)}>
            {t.noCards}
          </Button>
        </Flex>
        <Typography.Text strong>{t.split}</Typography.Text>
        <Radio.Group value={split} disabled={!cards} onChange={(e) => setSplit(e.target.value as Split)} data-testid="import-cards-split">
          <Radio value="train">{t.splits.train}</Radio>
          <Radio value="test" data-testid="import-cards-split-test">
            {t.splits.test}
          </Radio>
        </Radio.Group>
      </Flex>
    </Modal>
  );
}

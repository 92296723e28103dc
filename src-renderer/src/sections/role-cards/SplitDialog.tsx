import { ReloadOutlined } from '@ant-design/icons';
import type { SplitResult } from '@contract';
import { Alert, Button, Flex, InputNumber, Modal, Space, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../../i18n';
import { useOnOpen } from '../../lib/use-on-open';
import { errorText, roleCardsActions, useRoleCardsStore } from '../../stores/roleCards';
import { palette } from '../../theme';

const randomSeed = () => Math.floor(Math.random() * 1_000_000);

/** The seeded pool/test split: a dry-run preview first, then apply. */
export function SplitDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().cards;
  const ts = t.split;
  const all = useRoleCardsStore((s) => s.counts?.all ?? 0);
  const [test, setTest] = useState<number | null>(100);
  const [seed, setSeed] = useState<number | null>(randomSeed);
  const [preview, setPreview] = useState<SplitResult | null>(null);
  const [busy, setBusy] = useState<'preview' | 'apply' | null>(null);
  const [error, setError] = useState<string | null>(null);

  useOnOpen(open, () => {
    setTest(Math.min(100, all));
    setPreview(null);
    setError(null);
  });

  const invalid = test === null || seed === null || test < 0 || test > all;

  const run = async (dryRun: boolean) => {
    if (invalid) return;
    setBusy(dryRun ? 'preview' : 'apply');
    setError(null);
    const result = await roleCardsActions.split(test!, seed!, dryRun);
    setBusy(null);
    if (!result.ok) {
      setError(errorText(result.error));
      return;
    }
    if (dryRun) setPreview(result.value);
    else onClose();
  };

  const changed = (fn: () => void) => {
    fn();
    setPreview(null);
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={ts.title}
      width={560}
      destroyOnHidden
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{ts.cancel}</Button>
          <Button onClick={() => void run(true)} loading={busy === 'preview'} disabled={invalid} data-testid="split-preview">
            {ts.preview}
          </Button>
          <Button type="primary" onClick={() => void run(false)} loading={busy === 'apply'} disabled={invalid || !preview} data-testid="split-apply">
            {ts.apply}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={16}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {ts.intro}
        </Typography.Paragraph>
        <Flex gap={24} wrap>
          <Flex vertical gap={6}>
            <Typography.Text strong style={{ fontSize: 13 }}>
              {ts.testSize}
            </Typography.Text>
            <InputNumber
              min={0}
              max={Math.max(all, 0)}
              precision={0}
              value={test}
              status={test !== null && test > all ? 'error' : undefined}
              onChange={(v) => changed(() => setTest(v))}
              style={{ width: 140 }}
              data-testid="split-test-size"
            />
            {test !== null && test > all && (
              <Typography.Text type="danger" style={{ fontSize: 12 }}>
                {ts.tooMany(all)}
              </Typography.Text>
            )}
          </Flex>
          <Flex vertical gap={6}>
            <Typography.Text strong style={{ fontSize: 13 }}>
              {ts.seed}
            </Typography.Text>
            <Space.Compact>
              <InputNumber min={0} precision={0} value={seed} onChange={(v) => changed(() => setSeed(v))} style={{ width: 150 }} data-testid="split-seed" />
              <Tooltip title={ts.newSeed}>
                <Button icon={<ReloadOutlined />} aria-label={ts.newSeed} onClick={() => changed(() => setSeed(randomSeed()))} />
              </Tooltip>
            </Space.Compact>
          </Flex>
        </Flex>
        {preview && (
          <div style={{ background: palette.primarySoft, borderRadius: 10, padding: '12px 16px' }} data-testid="split-result" data-test={preview.test} data-pool={preview.pool} data-moved={preview.moved}>
            <Typography.Text strong>{ts.result(preview.pool, preview.test)}</Typography.Text>
            <br />
            <Typography.Text>{ts.moved(preview.moved)}</Typography.Text>
            <br />
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              {ts.history}
            </Typography.Text>
          </div>
        )}
        {error && <Alert type="error" showIcon title={error} />}
      </Flex>
    </Modal>
  );
}

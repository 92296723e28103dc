import { ApiOutlined, RobotOutlined } from '@ant-design/icons';
import { COMPLAINT_MAX, type CardLanguage } from '@contract';
import { Alert, Button, Flex, Input, Modal, Segmented, Select, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { call } from '../../lib/call';
import { useOnOpen } from '../../lib/use-on-open';
import { notifySuccess } from '../../lib/feedback';
import { cardEditorActions, useCardEditorStore } from '../../stores/cardEditor';
import { useCardChatStore } from '../../stores/cardChat';
import { selectEndpoints, useEndpointsStore } from '../../stores/endpoints';
import { navigationActions } from '../../stores/navigation';
import { errorText } from '../../stores/roleCards';
import { palette } from '../../theme';
import { calmInfo, charCount } from './format';

/**
 * AI drafting (issue item 5): from a chief complaint, a chosen model drafts the other eight
 * elements. The draft goes into the form for review; nothing is saved until the counselor saves.
 */
export function DraftDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT().cards;
  const td = t.draft;
  const endpoints = useEndpointsStore(selectEndpoints);
  const [endpointId, setEndpointId] = useState<number | null>(null);
  const [complaint, setComplaint] = useState('');
  const [language, setLanguage] = useState<CardLanguage>('zh');
  const [busy, setBusy] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const run = useRef(0);

  useOnOpen(open, () => {
    const { draft } = useCardEditorStore.getState();
    setComplaint(draft.chiefComplaint);
    setLanguage(draft.language);
    setError(null);
    setBusy(false);
    const preferred = useCardChatStore.getState().endpointId;
    setEndpointId((current) => current ?? (endpoints.some((e) => e.id === preferred) ? preferred : (endpoints[0]?.id ?? null)));
  });

  useEffect(() => {
    if (!busy) return;
    const started = Date.now();
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, [busy]);

  const hasProfile = useCardEditorStore((s) => Boolean(s.draft.gender || s.draft.occupation || s.draft.familyRelationships || s.draft.age));

  const start = async () => {
    if (endpointId === null || !complaint.trim()) return;
    const mine = ++run.current;
    setBusy(true);
    setElapsed(0);
    setError(null);
    const result = await call(() => window.api.cards.draft({ endpointId, chiefComplaint: complaint, language }));
    if (run.current !== mine) return; // cancelled meanwhile
    setBusy(false);
    if (!result.ok) {
      setError(errorText(result.error));
      return;
    }
    const d = result.value.draft;
    cardEditorActions.replaceValues(
      {
        chiefComplaint: complaint,
        language,
        gender: d.gender,
        age: d.age,
        education: d.education,
        occupation: d.occupation,
        maritalStatus: d.maritalStatus,
        familyRelationships: d.familyRelationships,
        bigFive: { ...d.bigFive },
        resistance: d.resistance,
      },
      { hold: true },
    );
    notifySuccess(td.done(result.value.attempts, result.value.latencyMs));
    onClose();
  };

  const cancel = () => {
    run.current++;
    setBusy(false);
    onClose();
  };

  return (
    <Modal
      open={open}
      onCancel={cancel}
      title={
        <span>
          <RobotOutlined style={{ marginInlineEnd: 8, color: palette.primary }} />
          {td.title}
        </span>
      }
      width={680}
      destroyOnHidden
      footer={
        endpoints.length === 0 ? null : (
          <Flex justify="end" gap={8}>
            <Button onClick={cancel}>{td.cancel}</Button>
            <Button type="primary" icon={<RobotOutlined />} loading={busy} disabled={endpointId === null || !complaint.trim()} onClick={() => void start()} data-testid="draft-start">
              {busy ? td.drafting(elapsed) : td.start}
            </Button>
          </Flex>
        )
      }
    >
      {endpoints.length === 0 ? (
        <Flex vertical gap={12} align="flex-start" style={{ padding: '8px 0' }}>
          <Alert type="info" showIcon title={td.noEndpoint} style={calmInfo} />
          <Button
            icon={<ApiOutlined />}
            onClick={() => {
              cancel();
              navigationActions.go('settings');
            }}
          >
            {td.goSettings}
          </Button>
        </Flex>
      ) : (
        <Flex vertical gap={14} data-testid="draft-dialog">
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {td.intro}
          </Typography.Paragraph>
          <Flex gap={16} wrap>
            <Flex vertical gap={6} style={{ flex: 1, minWidth: 240 }}>
              <Typography.Text strong style={{ fontSize: 13 }}>
                {td.endpoint}
              </Typography.Text>
              <Select<number>
                value={endpointId ?? undefined}
                onChange={setEndpointId}
                placeholder={td.endpointPlaceholder}
                options={endpoints.map((e) => ({ value: e.id, label: `${e.name} · ${e.model}` }))}
                disabled={busy}
                data-testid="draft-endpoint"
              />
            </Flex>
            <Flex vertical gap={6}>
              <Typography.Text strong style={{ fontSize: 13 }}>
                {td.language}
              </Typography.Text>
              <Segmented<CardLanguage>
                value={language}
                onChange={setLanguage}
                disabled={busy}
                options={(['zh', 'en'] as CardLanguage[]).map((l) => ({ value: l, label: t.languageNames[l] }))}
              />
            </Flex>
          </Flex>
          <Flex vertical gap={6}>
            <Typography.Text strong style={{ fontSize: 13 }}>
              {td.complaint}
            </Typography.Text>
            <Input.TextArea
              value={complaint}
              onChange={(e) => setComplaint(e.target.value)}
              autoSize={{ minRows: 7, maxRows: 14 }}
              placeholder={t.placeholders.chiefComplaint}
              disabled={busy}
              data-testid="draft-complaint"
              style={{ lineHeight: 1.75 }}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: 'end' }}>
              {t.editor.chars(charCount(complaint), COMPLAINT_MAX)}
            </Typography.Text>
          </Flex>
          {hasProfile && <Alert type="warning" showIcon title={td.replaceWarning} />}
          {error && <Alert type="error" showIcon title={td.failed} description={<span style={{ whiteSpace: 'pre-wrap' }}>{error}</span>} data-testid="draft-error" />}
        </Flex>
      )}
    </Modal>
  );
}

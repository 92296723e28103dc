import { CheckCircleFilled, FileOutlined, FolderOpenOutlined } from '@ant-design/icons';
import type { CardFormat, ImportProblem, ImportReport, Split } from '@contract';
import { Alert, Button, Collapse, Flex, Modal, Progress, Result, Segmented, Select, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { useT, type Messages } from '../../i18n';
import { percent } from '../../lib/job-progress';
import { errorText, roleCardsActions, useRoleCardsStore } from '../../stores/roleCards';
import { palette } from '../../theme';
import { calmInfo, profileLine } from './format';

// Import is always two steps: a dry run that shows what would happen (found, importable,
// duplicates, every problem with file, line, field and reason), then the import itself.

type FormatChoice = 'auto' | CardFormat;
type Phase = 'choose' | 'checking' | 'preview' | 'importing' | 'done';
export type ImportStart = 'folder' | 'file' | null;

function Stat({ label, value, tone, testId }: { label: string; value: number; tone?: 'good' | 'warn' | 'bad'; testId: string }) {
  const color = tone === 'good' ? '#3f7f57' : tone === 'warn' ? '#a67a22' : tone === 'bad' ? '#b2483d' : palette.text;
  return (
    <div style={{ flex: 1, padding: '12px 16px', borderRadius: 10, background: palette.layout }} data-testid={testId} data-value={value}>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {label}
      </Typography.Text>
      <div style={{ fontSize: 24, fontWeight: 600, color, fontVariantNumeric: 'tabular-nums', lineHeight: 1.3 }}>{value.toLocaleString()}</div>
    </div>
  );
}

function ProblemTable({ rows, t, testId }: { rows: ImportProblem[]; t: Messages['cards']['importer']; testId: string }) {
  const columns: TableColumnsType<ImportProblem & { key: number }> = [
    { title: t.columns.file, dataIndex: 'file', width: 200, ellipsis: { showTitle: true } },
    {
      title: t.columns.place,
      key: 'place',
      width: 110,
      render: (_, p) => (p.line !== undefined ? t.line(p.line) : p.record !== undefined ? t.record(p.record) : '—'),
    },
    { title: t.columns.field, dataIndex: 'field', width: 140, render: (f?: string) => f ?? '—' },
    { title: t.columns.reason, dataIndex: 'reason' },
  ];
  return (
    <Table
      size="small"
      columns={columns}
      dataSource={rows.map((r, key) => ({ ...r, key }))}
      pagination={false}
      virtual
      scroll={{ y: 220, x: 640 }}
      data-testid={testId}
    />
  );
}

export function ImportDialog({ open, start, onClose }: { open: boolean; start: ImportStart; onClose: () => void }) {
  const t = useT().cards;
  const ti = t.importer;
  const [format, setFormat] = useState<FormatChoice>('auto');
  const [split, setSplit] = useState<Split | 'keep'>('keep');
  const [path, setPath] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>('choose');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stopped, setStopped] = useState(false);
  const progress = useRoleCardsStore((s) => s.importProgress);
  const started = useRef(false);

  const check = async (p: string, f: FormatChoice, s: Split | 'keep') => {
    setPhase('checking');
    setError(null);
    setStopped(false);
    const result = await roleCardsActions.importCards({ path: p, format: f, dryRun: true, ...(s === 'keep' ? {} : { split: s }) });
    if (result.ok) {
      setReport(result.value);
      setPhase('preview');
    } else if (result.error.code === 'cancelled') {
      setReport(null);
      setPath(null);
      setStopped(true);
      setPhase('choose');
    } else {
      setReport(null);
      setError(errorText(result.error));
      setPhase('choose');
    }
  };

  const choose = async (kind: 'folder' | 'file') => {
    const chosen = await roleCardsActions.choosePath(kind === 'folder' ? 'open-folder' : 'open-file', { format });
    if (!chosen) return;
    setPath(chosen);
    await check(chosen, format, split);
  };

  // Each opening starts afresh; opened from the empty state's "Import the paper's folder",
  // it goes straight to the system dialog.
  const follow = useEffectEvent((open: boolean, start: ImportStart) => {
    if (open && !started.current) {
      setPath(null);
      setReport(null);
      setError(null);
      setStopped(false);
      setPhase('choose');
    }
    if (open && start && !started.current) {
      started.current = true;
      if (start === 'folder') setFormat('auto');
      void choose(start);
    }
    if (open && !start) started.current = true;
    if (!open) started.current = false;
  });
  useEffect(() => follow(open, start), [open, start]);

  const confirm = async () => {
    if (!path) return;
    setPhase('importing');
    setStopped(false);
    const result = await roleCardsActions.importCards({ path, format, dryRun: false, ...(split === 'keep' ? {} : { split }) });
    if (result.ok && !result.value.refused) {
      setReport(result.value);
      setPhase('done');
    } else {
      if (result.ok) setReport(result.value);
      else if (result.error.code === 'cancelled') setStopped(true);
      else setError(errorText(result.error));
      setPhase('preview');
    }
  };

  const reset = () => {
    setPath(null);
    setReport(null);
    setError(null);
    setStopped(false);
    setPhase('choose');
  };

  // Closing the dialog stops a check (or an import's reading) still running: nobody waits for it.
  const close = () => {
    void roleCardsActions.stopImport();
    onClose();
  };

  const reading = (phase === 'checking' || phase === 'importing') && progress && (
    <Flex align="center" gap={12} data-testid="import-progress" data-percent={percent(progress)}>
      <Flex vertical style={{ flex: 1 }}>
        <Typography.Text type="secondary">{ti.reading(progress.done, progress.total)}</Typography.Text>
        <Progress percent={percent(progress)} size="small" showInfo={false} />
      </Flex>
      <Button onClick={() => void roleCardsActions.stopImport()} data-testid="import-stop">
        {ti.stop}
      </Button>
    </Flex>
  );

  const changeOption = (f: FormatChoice, s: Split | 'keep') => {
    setFormat(f);
    setSplit(s);
    if (path && phase === 'preview') void check(path, f, s);
  };

  const canImport = phase === 'preview' && report !== null && !report.refused && report.importable > 0;
  const folderFirst = format === 'auto' || format === 'paper';

  const footer =
    phase === 'done' ? (
      <Button type="primary" onClick={onClose} data-testid="import-close">
        {ti.close}
      </Button>
    ) : (
      <Flex justify="end" gap={8}>
        <Button onClick={close}>{ti.cancel}</Button>
        {path && (
          <Button onClick={reset} disabled={phase === 'checking' || phase === 'importing'} data-testid="import-another">
            {ti.another}
          </Button>
        )}
        {path && (
          <Button type="primary" disabled={!canImport} loading={phase === 'importing'} onClick={() => void confirm()} data-testid="import-confirm">
            {ti.confirm(report?.importable ?? 0)}
          </Button>
        )}
      </Flex>
    );

  return (
    <Modal
      open={open}
      onCancel={close}
      title={ti.title}
      width={820}
      footer={footer}
      destroyOnHidden
      mask={{ closable: false }}
      style={{ top: 48 }}
      styles={{ body: { maxHeight: 'calc(100vh - 240px)', overflowY: 'auto', paddingInlineEnd: 4 } }}
    >
      <div data-testid="import-dialog-body" data-phase={phase}>
        {phase === 'done' && report ? (
          <Result
            status="success"
            icon={<CheckCircleFilled style={{ color: '#4e9868' }} />}
            title={<span data-testid="import-done">{ti.doneTitle(report.imported)}</span>}
            subTitle={ti.doneDetail(report.duplicateCount)}
          />
        ) : (
          <Flex vertical gap={16}>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {ti.intro}
            </Typography.Paragraph>
            <Flex gap={24} wrap align="flex-start">
              <Flex vertical gap={6}>
                <Typography.Text strong style={{ fontSize: 13 }}>
                  {ti.format}
                </Typography.Text>
                <Segmented<FormatChoice>
                  value={format}
                  onChange={(f) => changeOption(f, split)}
                  options={(['auto', 'paper', 'json', 'jsonl', 'csv'] as FormatChoice[]).map((f) => ({
                    value: f,
                    label: <span data-testid={`import-format-${f}`}>{ti.formats[f]}</span>,
                  }))}
                />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {ti.formatHelp[format]}
                </Typography.Text>
              </Flex>
              <Flex vertical gap={6}>
                <Typography.Text strong style={{ fontSize: 13 }}>
                  {ti.splitChoice}
                </Typography.Text>
                <Select<Split | 'keep'>
                  value={split}
                  onChange={(s) => changeOption(format, s)}
                  style={{ width: 200 }}
                  options={[
                    { value: 'keep', label: ti.splitAsFile },
                    { value: 'pool', label: t.splitLong.pool },
                    { value: 'test', label: t.splitLong.test },
                  ]}
                  data-testid="import-split"
                />
              </Flex>
            </Flex>

            {!path && phase === 'choose' && (
              <Flex gap={12}>
                {folderFirst && (
                  <Button size="large" type="primary" icon={<FolderOpenOutlined />} onClick={() => void choose('folder')} data-testid="import-choose-folder">
                    {ti.chooseFolder}
                  </Button>
                )}
                {format !== 'paper' && (
                  <Button size="large" type={folderFirst ? 'default' : 'primary'} icon={<FileOutlined />} onClick={() => void choose('file')} data-testid="import-choose-file">
                    {ti.chooseFile}
                  </Button>
                )}
              </Flex>
            )}

            {error && <Alert type="error" showIcon title={error} style={{ whiteSpace: 'pre-wrap' }} data-testid="import-error" />}
            {stopped && <Alert type="info" showIcon title={ti.stopped} style={calmInfo} data-testid="import-stopped" />}

            {phase === 'checking' &&
              (reading || (
                <Flex align="center" gap={12} style={{ padding: '24px 0' }}>
                  <Spin />
                  <Typography.Text type="secondary">{ti.checking}</Typography.Text>
                </Flex>
              ))}
            {phase === 'importing' && reading}

            {(phase === 'preview' || phase === 'importing') && report && (
              <Flex vertical gap={14} data-testid="import-preview">
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {ti.source}
                    {': '}
                  </Typography.Text>
                  <Typography.Text code style={{ wordBreak: 'break-all' }}>
                    {report.path}
                  </Typography.Text>
                  {report.format && (
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {' · '}
                      {ti.detected(ti.formats[report.format], report.encoding)}
                    </Typography.Text>
                  )}
                </div>
                <Flex gap={10}>
                  <Stat label={ti.found} value={report.found} testId="import-found" />
                  <Stat label={ti.importable} value={report.importable} tone={report.importable ? 'good' : undefined} testId="import-importable" />
                  <Stat label={ti.duplicates} value={report.duplicateCount} tone={report.duplicateCount ? 'warn' : undefined} testId="import-duplicates" />
                  <Stat label={ti.problems} value={report.problems.length + report.moreProblems} tone={report.problems.length ? 'bad' : undefined} testId="import-problems" />
                </Flex>
                {report.refused ? (
                  <Alert type="error" showIcon title={ti.refused} data-testid="import-refused" />
                ) : report.importable === 0 ? (
                  <Alert type="info" showIcon title={ti.nothingNew} style={calmInfo} />
                ) : (
                  <Alert type="success" showIcon title={ti.ready(report.importable)} data-testid="import-ready" />
                )}
                {report.problems.length > 0 && (
                  <div>
                    <ProblemTable rows={report.problems} t={ti} testId="import-problem-table" />
                    {report.moreProblems > 0 && <Typography.Text type="secondary">{ti.moreProblems(report.moreProblems)}</Typography.Text>}
                  </div>
                )}
                {(report.duplicates.length > 0 || report.warnings.length > 0) && (
                  <Collapse
                    size="small"
                    items={[
                      ...(report.duplicates.length
                        ? [{ key: 'dups', label: `${ti.duplicates} (${report.duplicateCount})`, children: <ProblemTable rows={report.duplicates} t={ti} testId="import-dup-table" /> }]
                        : []),
                      ...(report.warnings.length
                        ? [{ key: 'warn', label: `${ti.warnings} (${report.warnings.length})`, children: <ProblemTable rows={report.warnings} t={ti} testId="import-warn-table" /> }]
                        : []),
                    ]}
                  />
                )}
                {report.preview.length > 0 && !report.refused && (
                  <div>
                    <Typography.Text strong style={{ fontSize: 13 }}>
                      {ti.previewTitle}
                    </Typography.Text>
                    <div style={{ marginTop: 8, border: `1px solid ${palette.border}`, borderRadius: 10, overflow: 'hidden' }}>
                      {report.preview.slice(0, 3).map((card, i) => (
                        <div key={i} style={{ padding: '8px 14px', borderTop: i ? `1px solid ${palette.border}` : undefined }} data-testid="import-preview-card">
                          <Flex gap={8} align="baseline">
                            <Typography.Text strong style={{ fontSize: 13, flexShrink: 0 }}>
                              {profileLine(card, t)}
                            </Typography.Text>
                            <Typography.Text type="secondary" style={{ fontSize: 12, flexShrink: 0 }}>
                              {t.splitNames[card.split]} · {t.languageNames[card.language]}
                            </Typography.Text>
                          </Flex>
                          <Typography.Text type="secondary" ellipsis style={{ fontSize: 12.5, display: 'block' }}>
                            {card.chiefComplaint}
                          </Typography.Text>
                        </div>
                      ))}
                    </div>
                  </div>
                )}
              </Flex>
            )}
          </Flex>
        )}
      </div>
    </Modal>
  );
}

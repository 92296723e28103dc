import { FolderOpenOutlined, ImportOutlined } from '@ant-design/icons';
import type { AnnotationImportRow } from '@contract';
import { Button, Card, Empty, Flex, Input, InputNumber, Select, Table, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useT } from '../../i18n';
import { AgreementView } from './AgreementView';
import { researchActions, selectArena, useResearchStore } from './research-store';

// The researcher's tab: build packages from an arena run, import the annotators' work files
// (each file reported), and read the agreement figures, which follow every import.

const statusColor: Record<AnnotationImportRow['status'], string> = { added: 'green', unchanged: 'default', updated: 'blue', conflict: 'orange', refused: 'red' };

export function ResearcherView() {
  const r = useT().ann.research;
  const s = useResearchStore();
  const arena = useResearchStore(selectArena);
  useEffect(() => void researchActions.load(), []);

  if (s.arenas.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={r.noArenas} data-testid="annotation-no-arenas" />;
  return (
    <Flex vertical gap={16} data-testid="annotation-research">
      <Flex gap={12} align="center" wrap>
        <Typography.Text strong>{r.arena}</Typography.Text>
        <Select
          style={{ minWidth: 320 }}
          value={s.arenaId}
          placeholder={r.arenaPlaceholder}
          onChange={(id: number) => void researchActions.chooseArena(id)}
          options={s.arenas.map((a) => ({ value: a.id, label: `#${a.id} ${a.title}` }))}
          data-testid="annotation-arena"
        />
        {arena && (
          <Typography.Text type="secondary">
            {r.items(arena.items)} · {r.humans(arena.humanVerdicts)}
          </Typography.Text>
        )}
      </Flex>

      <Flex gap={16} wrap align="stretch">
        <Card title={r.packageTitle} size="small" style={{ flex: '1 1 420px', minWidth: 0 }}>
          <Flex vertical gap={10}>
            <Typography.Text>{r.annotators}</Typography.Text>
            <Select
              mode="tags"
              value={s.annotators}
              tokenSeparators={[',', '，']}
              placeholder={r.annotatorsPlaceholder}
              onChange={(annotators: string[]) => researchActions.setForm({ annotators })}
              open={false}
              data-testid="annotation-annotators"
            />
            <Flex gap={16} wrap>
              <Flex vertical gap={4}>
                <Typography.Text>{r.perItem}</Typography.Text>
                <InputNumber min={1} max={Math.max(1, s.annotators.length)} value={s.perItem} onChange={(v) => researchActions.setForm({ perItem: v ?? 1 })} data-testid="annotation-per-item" />
              </Flex>
              <Flex vertical gap={4}>
                <Typography.Text>{r.seed}</Typography.Text>
                <InputNumber min={0} value={s.seed} onChange={(v) => researchActions.setForm({ seed: v ?? 0 })} />
              </Flex>
            </Flex>
            <Typography.Text>{r.guidelines}</Typography.Text>
            <Input.TextArea rows={5} value={s.guidelines ?? arena?.defaultGuidelines ?? ''} onChange={(e) => researchActions.setForm({ guidelines: e.target.value })} />
            <div>
              <Button type="primary" icon={<FolderOpenOutlined />} disabled={s.annotators.length === 0 || !arena} onClick={() => void researchActions.buildPackages()} data-testid="annotation-build">
                {r.build}
              </Button>
            </div>
            {s.built.length > 0 && (
              <Flex vertical gap={2} data-testid="annotation-built">
                {s.built.map((b) => (
                  <Typography.Text key={b.file} type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
                    {b.annotator} · {b.items} {r.count} → {b.file}
                  </Typography.Text>
                ))}
              </Flex>
            )}
          </Flex>
        </Card>

        <Card title={r.importTitle} size="small" style={{ flex: '1 1 420px', minWidth: 0 }}>
          <Flex vertical gap={10}>
            <Flex gap={8} wrap>
              <Button icon={<ImportOutlined />} loading={s.busy} onClick={() => void researchActions.importWork('open-file')} data-testid="annotation-import-file">
                {r.importFile}
              </Button>
              <Button icon={<FolderOpenOutlined />} loading={s.busy} onClick={() => void researchActions.importWork('open-folder')} data-testid="annotation-import-folder">
                {r.importFolder}
              </Button>
            </Flex>
            {s.report.length > 0 && (
              <Table
                size="small"
                pagination={false}
                rowKey="file"
                dataSource={s.report}
                data-testid="annotation-import-report"
                columns={[
                  { title: r.file, dataIndex: 'file', render: (f: string) => <span style={{ wordBreak: 'break-all' }}>{f.split(/[\\/]/).at(-1)}</span> },
                  { title: r.annotator, dataIndex: 'annotator', render: (a: string | null) => a ?? '–' },
                  { title: r.status, dataIndex: 'status', render: (st: AnnotationImportRow['status']) => <Tag color={statusColor[st]} data-testid="import-status">{r.statuses[st]}</Tag> },
                  { title: r.verdicts, dataIndex: 'verdicts', render: (n: number | null) => n ?? '–' },
                  { title: r.message, dataIndex: 'message', render: (m: string | null) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{m ?? ''}</Typography.Text> },
                ]}
              />
            )}
          </Flex>
        </Card>
      </Flex>

      <Card title={r.agreementTitle} size="small">
        {s.agreement ? <AgreementView a={s.agreement} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={r.noHuman} />}
      </Card>
    </Flex>
  );
}

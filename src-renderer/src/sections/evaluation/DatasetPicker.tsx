import type { EndReason, RunSummary } from '@contract';
import { Flex, InputNumber, Select, Space, Typography } from 'antd';
import { useT } from '../../i18n';
import type { DatasetDraft } from '../../stores/evaluation';

const reasons: EndReason[] = ['phrase', 'turn_limit', 'refinement_failed', 'error', 'cancelled', 'imported'];

/** A dataset: runs, narrowed like the dialogue browser (end reasons, tags, turns). Only ended sessions count. */
export function DatasetPicker(props: { label: string; value: DatasetDraft; runs: RunSummary[]; tags: string[]; onChange: (patch: Partial<DatasetDraft>) => void; testId: string }) {
  const t = useT();
  const { value, onChange } = props;
  return (
    <Flex vertical gap={6} data-testid={props.testId}>
      <Typography.Text strong>{props.label}</Typography.Text>
      <Select<number[]>
        mode="multiple"
        allowClear
        placeholder={t.ev.pickRuns}
        value={value.runIds}
        onChange={(runIds) => onChange({ runIds })}
        options={props.runs.map((r) => ({ value: r.id, label: `#${r.id} ${r.title} · ${r.language}` }))}
        optionFilterProp="label"
        style={{ width: '100%' }}
        data-testid={`${props.testId}-runs`}
      />
      <Flex gap={6} wrap>
        <Select<EndReason[]>
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t.ev.anyEnding}
          value={value.endReasons ?? []}
          onChange={(endReasons) => onChange({ endReasons: endReasons.length ? endReasons : undefined })}
          options={reasons.map((r) => ({ value: r, label: t.dlg.endReasons[r] }))}
          style={{ width: 170 }}
        />
        <Select<string[]>
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t.ev.anyTag}
          value={value.tags ?? []}
          onChange={(tags) => onChange({ tags: tags.length ? tags : undefined })}
          options={props.tags.map((x) => ({ value: x, label: x }))}
          style={{ width: 130 }}
        />
        <Space.Compact>
          <InputNumber min={0} precision={0} placeholder={t.ev.minTurns} style={{ width: 92 }} value={value.minTurns ?? null} onChange={(v) => onChange({ minTurns: v ?? undefined })} />
          <InputNumber min={0} precision={0} placeholder={t.ev.maxTurns} style={{ width: 92 }} value={value.maxTurns ?? null} onChange={(v) => onChange({ maxTurns: v ?? undefined })} />
        </Space.Compact>
      </Flex>
    </Flex>
  );
}

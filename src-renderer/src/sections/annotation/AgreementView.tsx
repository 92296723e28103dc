import { annotationChoices, type AnnotationAgreementView, type AnnotationPairView, type ChartOption } from '@contract';
import { Card, Collapse, Empty, Flex, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { Chart } from '../../components/Chart';
import { useT, type Messages } from '../../i18n';
import { palette } from '../../theme';
import { evaluationActions } from '../../stores/evaluation';

// The agreement figures of one arena run: the judge against the humans (accuracy, Cohen's κ,
// the confusion matrix as a heatmap), the annotators among themselves (Cohen's κ per pair,
// Fleiss' κ), and every disagreement with its history and both replies, side by side.

type R = Messages['ann']['research'];

const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
const kappa = (v: number | null) => (v === null ? '–' : v.toFixed(3));

function confusionOption(p: AnnotationPairView, r: R): ChartOption {
  const labels = annotationChoices.map((c) => r.choices[c]);
  const data = p.confusion.flatMap((row, i) => row.map((n, j) => [j, i, n]));
  const max = Math.max(1, ...p.confusion.flat());
  return {
    title: { text: r.confusion(p.first), left: 'center', textStyle: { fontSize: 13, fontWeight: 500 } },
    tooltip: { position: 'top' },
    grid: { left: 80, right: 24, top: 40, bottom: 60 },
    xAxis: { type: 'category', data: labels, name: r.humanVerdicts, nameLocation: 'middle', nameGap: 30, splitArea: { show: true } },
    yAxis: { type: 'category', data: labels, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, show: false, inRange: { color: ['#f4f8f7', palette.primary] } },
    series: [{ type: 'heatmap', data, label: { show: true, fontSize: 13 }, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}

function Disagreements({ a, pairs, r }: { a: AnnotationAgreementView; pairs: AnnotationPairView[]; r: R }) {
  const t = useT().ann.work;
  const rows = pairs.flatMap((p) => p.disagreements.map((d) => ({ ...d, key: `${p.first}|${p.second}|${d.itemId}|${d.second.rater}` })));
  if (rows.length === 0) return null;
  return (
    <Collapse
      size="small"
      data-testid="annotation-disagreements"
      items={[
        {
          key: 'd',
          label: r.disagreements(rows.length),
          children: (
            <Flex vertical gap={14}>
              {rows.slice(0, 200).map((d) => {
                const item = a.items[d.itemId];
                if (!item) return null;
                const last = item.history.at(-1);
                return (
                  <Card key={d.key} size="small" title={<Typography.Text type="secondary">{d.itemId}</Typography.Text>} extra={<Flex gap={6}><Tag color="blue">{r.chose(d.first.rater, r.choices[d.first.choice])}</Tag><Tag color="orange">{r.chose(d.second.rater, r.choices[d.second.choice])}</Tag></Flex>}>
                    {last && (
                      <Typography.Paragraph type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
                        {r.said(t.client, last.content)}
                      </Typography.Paragraph>
                    )}
                    <Flex gap={12}>
                      <div style={{ flex: 1, minWidth: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                        <Typography.Text strong>A · {item.modelA}</Typography.Text>
                        <div>{item.a}</div>
                      </div>
                      <div style={{ flex: 1, minWidth: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                        <Typography.Text strong>B · {item.modelB}</Typography.Text>
                        <div>{item.b}</div>
                      </div>
                    </Flex>
                  </Card>
                );
              })}
            </Flex>
          ),
        },
      ]}
    />
  );
}

export function AgreementView({ a }: { a: AnnotationAgreementView }) {
  const all = useT();
  const r = all.ann.research;
  const judge = a.judges[0] ?? null;
  const option = useMemo(() => (judge ? confusionOption(judge, r) : null), [judge, r]);
  if (a.humanVerdicts === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={r.noHuman} />;
  return (
    <Flex vertical gap={16} data-testid="annotation-agreement">
      <Flex gap={32} wrap>
        <Statistic title={r.humanVerdicts} value={a.humanVerdicts} data-testid="agreement-human-verdicts" />
        {a.judges.map((j) => (
          <Statistic key={j.first} title={r.accuracy(j.first)} value={pct(j.accuracy)} data-testid="agreement-accuracy" />
        ))}
        {judge && <Statistic title={r.judgeKappa} value={kappa(judge.kappa)} data-testid="agreement-judge-kappa" />}
        {a.annotators.length >= 2 && (
          <Statistic title={r.fleiss} value={kappa(a.between.fleiss.kappa)} suffix={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.fleissHint(a.between.fleiss.items, a.between.fleiss.raters)}</Typography.Text>} data-testid="agreement-fleiss" />
        )}
      </Flex>
      {a.between.pairs.length > 0 && (
        <Table
          size="small"
          pagination={false}
          title={() => <Typography.Text strong>{r.pairs}</Typography.Text>}
          rowKey={(p) => `${p.first}|${p.second}`}
          dataSource={a.between.pairs}
          data-testid="agreement-pairs"
          columns={[
            { title: r.pair, render: (_v, p) => `${p.first} · ${p.second}` },
            { title: r.common, dataIndex: 'n' },
            { title: r.agree, render: (_v, p) => pct(p.accuracy) },
            { title: r.kappa, render: (_v, p) => kappa(p.kappa) },
          ]}
        />
      )}
      {option && judge && (
        <div style={{ maxWidth: 520 }}>
          <Chart name="annotation-confusion" option={option} height={320} labels={{ svg: all.ev.exportSvg, png: all.ev.exportPng }} onExport={(format, content) => void evaluationActions.saveChart(`agreement-${a.arenaId}-confusion`, format, content)} />
        </div>
      )}
      <Disagreements a={a} pairs={[...a.judges, ...a.between.pairs]} r={r} />
    </Flex>
  );
}

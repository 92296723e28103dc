import {
  fixed,
  meanSdText as meanSd,
  testText,
  topicsTable,
  waiTable,
  type EvaluationDetail,
  type OverlapSummary,
  type ResultTable,
  type StatisticsView,
  type StatsSummary,
  type TopicsSummary,
  type WaiSummary,
} from '@contract';
import { Table, Typography } from 'antd';
import { useT } from '../../i18n';

// The numbers of a stored evaluation as the paper prints them: Table 1 for the statistics;
// mean and sd per group, and the t-tests with t, df and p, for the overlap.

type Row = { key: string; label: string; values: string[] };

function NumberTable({ head, rows, testId }: { head: string[]; rows: Row[]; testId: string }) {
  return (
    <Table<Row>
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      data-testid={testId}
      columns={[
        { title: '', dataIndex: 'label', key: 'label' },
        ...head.map((h, i) => ({ title: h, key: String(i), align: 'right' as const, render: (_: unknown, r: Row) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{r.values[i]}</span> })),
      ]}
    />
  );
}

function StatsTable({ summary, names }: { summary: StatsSummary; names: string[] }) {
  const t = useT().ev.table;
  const all: StatisticsView[] = [summary.a, ...(summary.b ? [summary.b] : [])];
  const rows: Row[] = [
    { key: 'sessions', label: t.sessions, values: all.map((x) => String(x.sessions)) },
    { key: 'turns', label: t.turns, values: all.map((x) => meanSd(x.turns)) },
  ];
  for (const role of ['client', 'counselor'] as const) {
    const label = t[role];
    rows.push({ key: `${role}-u`, label: `${label} · ${t.utterances}`, values: all.map((x) => String(x[role].utterances)) });
    rows.push({ key: `${role}-c`, label: `${label} · ${t.chars}`, values: all.map((x) => meanSd(x[role].chars, 1)) });
    if (all.some((x) => x[role].words)) rows.push({ key: `${role}-w`, label: `${label} · ${t.words}`, values: all.map((x) => meanSd(x[role].words, 1)) });
  }
  return <NumberTable head={names} rows={rows} testId="evaluation-table" />;
}

function OverlapTables({ summary, names }: { summary: OverlapSummary; names: string[] }) {
  const ev = useT().ev;
  const t = ev.table;
  const groups = [summary.a, ...(summary.b ? [summary.b] : [])];
  const rows: Row[] = groups.flatMap((g, i) => [
    { key: `${i}-m`, label: `${names[i]} · ${t.mapping}`, values: [String(g.n), fixed(g.mapping.mean, 4), fixed(g.mapping.sd, 4)] },
    { key: `${i}-r`, label: `${names[i]} · ${t.random}`, values: [String(g.n), fixed(g.random.mean, 4), fixed(g.random.sd, 4)] },
  ]);
  return (
    <>
      <NumberTable head={[t.n, t.mean, t.sd]} rows={rows} testId="evaluation-table" />
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 12 }}>
        {ev.tests}
      </Typography.Text>
      <div data-testid="evaluation-tests" style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13 }}>
        {groups.map((g, i) => (
          <div key={i}>
            <b>{ev.testWithin(names[i]!)}</b>: {testText('Student', g.student)}; {testText('Welch', g.welch)}
          </div>
        ))}
        {summary.between && (
          <div>
            <b>{ev.testBetween}</b>: {testText('Student', summary.between.student)}; {testText('Welch', summary.between.welch)}
          </div>
        )}
      </div>
      {groups.map((g, i) =>
        g.excluded.length > 0 ? (
          <Typography.Paragraph key={`x${i}`} type="warning" style={{ marginTop: 8, marginBottom: 0 }} data-testid="evaluation-excluded">
            {names[i]}: {ev.excluded(g.excluded.length, g.excluded.map((e) => `#${e.sessionId}`).join(', '))}
          </Typography.Paragraph>
        ) : null,
      )}
    </>
  );
}

/** Topics and WAI: the rows the report and the CLI show too (contract/evaluation-tables.ts). */
function JudgedTables({ table }: { table: ResultTable }) {
  const ev = useT().ev;
  const rows: Row[] = table.rows.map((r, i) => ({ key: String(i), label: r[0]!, values: r.slice(1) }));
  return (
    <>
      <NumberTable head={table.head.slice(1)} rows={rows} testId="evaluation-table" />
      {table.tests.length > 0 && (
        <>
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 12 }}>
            {ev.tests}
          </Typography.Text>
          <div data-testid="evaluation-tests" style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13 }}>
            {table.tests.map((x) => (
              <div key={x}>{x}</div>
            ))}
          </div>
        </>
      )}
      {table.notes.map((x) => (
        <Typography.Paragraph key={x} type="warning" style={{ marginTop: 8, marginBottom: 0 }}>
          {x}
        </Typography.Paragraph>
      ))}
    </>
  );
}

export function ResultTables({ evaluation, names }: { evaluation: EvaluationDetail; names: string[] }) {
  const t = useT().ev.table;
  switch (evaluation.measure) {
    case 'stats':
      return <StatsTable summary={evaluation.summary as unknown as StatsSummary} names={names} />;
    case 'overlap':
    case 'semantic':
      return <OverlapTables summary={evaluation.summary as unknown as OverlapSummary} names={names} />;
    case 'topics':
      return <JudgedTables table={topicsTable(evaluation.summary as unknown as TopicsSummary, names, t)} />;
    case 'wai':
      return <JudgedTables table={waiTable(evaluation.summary as unknown as WaiSummary, names, t)} />;
  }
}

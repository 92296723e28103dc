import { arenaCharts, ratingSources, type ModelRating } from '@contract';
import { Alert, Empty, Flex, Segmented, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useMemo } from 'react';
import { Chart } from '../../components/Chart';
import { useT } from '../../i18n';
import { arenaActions, selectRatingSource, selectRatings, selectRatingsLoading, useArenaStore } from '../../stores/arena';
import { evaluationActions } from '../../stores/evaluation';
import { selectLocale, useSettingsStore } from '../../stores/settings';

// The ratings of the watched arena for one source of verdicts (the LLM judge, humans, all):
// Elo and Bradley–Terry with their 95% bootstrap intervals (Figure 6), the Table 4 summary,
// the battles per pair (Figure 14) and the win rates per pair. Each chart saves as SVG or PNG.

const rating = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const interval = (ci: [number, number] | null) => (ci ? `${rating(ci[0])} – ${rating(ci[1])}` : '–');

export function RatingsPanel() {
  const t = useT().arena;
  const tr = t.ratings;
  const ev = useT().ev;
  const locale = useSettingsStore(selectLocale);
  const source = useArenaStore(selectRatingSource);
  const ratings = useArenaStore(selectRatings);
  const loading = useArenaStore(selectRatingsLoading);
  const charts = useMemo(() => (ratings && ratings.models.length > 0 ? arenaCharts(ratings, t.charts) : []), [ratings, t.charts]);

  const columns: TableColumnsType<ModelRating> = [
    { title: tr.counselor, dataIndex: 'name', fixed: 'left' },
    { title: tr.elo, dataIndex: 'elo', render: rating, align: 'right' },
    { title: tr.eloCi, key: 'eloCi', render: (_, m) => interval(m.eloCi), align: 'right' },
    { title: tr.rank, dataIndex: 'eloRank', render: (v: number | null) => v ?? '–', align: 'right' },
    { title: tr.bt, dataIndex: 'bt', render: rating, align: 'right' },
    { title: tr.btCi, key: 'btCi', render: (_, m) => interval(m.btCi), align: 'right' },
    { title: tr.rank, key: 'btRank', dataIndex: 'btRank', render: (v: number | null) => v ?? '–', align: 'right' },
    { title: tr.battles, dataIndex: 'battles', align: 'right' },
    { title: tr.wins, dataIndex: 'wins', align: 'right' },
    { title: tr.losses, dataIndex: 'losses', align: 'right' },
    { title: tr.ties, dataIndex: 'ties', align: 'right' },
    { title: tr.bothBad, dataIndex: 'bothBad', align: 'right' },
  ];

  return (
    <Flex vertical gap={12} data-testid="arena-ratings">
      <Flex align="center" gap={12} wrap>
        <Typography.Text>{tr.source}</Typography.Text>
        <Segmented
          value={source}
          onChange={(v) => void arenaActions.setSource(v)}
          options={ratingSources.map((s) => ({ value: s, label: <span data-testid={`ratings-source-${s}`}>{tr.sources[s]}</span> }))}
        />
        {loading && <Spin size="small" />}
        {ratings && ratings.battles > 0 && (
          <Typography.Text type="secondary" data-testid="ratings-basis">
            {tr.basis(ratings.battles, ratings.bootstrap, ratings.seed)}
          </Typography.Text>
        )}
      </Flex>
      {!ratings ? (
        <Spin tip={tr.computing}>
          <div style={{ height: 120 }} />
        </Spin>
      ) : ratings.models.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={tr.none} />
      ) : (
        <>
          {ratings.separated.all && <Alert type="info" showIcon message={tr.separated} />}
          <Typography.Title level={5} style={{ margin: 0 }}>
            {tr.table}
          </Typography.Title>
          <Table rowKey="name" size="small" columns={columns} dataSource={ratings.models} pagination={false} scroll={{ x: 'max-content' }} data-testid="ratings-table" />
          {charts.map((c) => (
            <Chart
              key={`${c.key}-${locale}`}
              name={`arena-${c.key}`}
              option={c.option}
              height={c.key === 'ratings' ? 340 : Math.max(300, 140 + 44 * ratings.models.length)}
              labels={{ svg: ev.exportSvg, png: ev.exportPng }}
              onExport={(format, content) => void evaluationActions.saveChart(`arena-${ratings.arenaId}-${ratings.source}-${c.key}`, format, content)}
            />
          ))}
        </>
      )}
    </Flex>
  );
}
